// libFuzzer's driver (compiler-rt's FuzzerInterface.h), declared here and nothing linked:
// `-sanitize=fuzzer` links libFuzzer into drom-fuzz, whose own main calls it. SwiftPM makes an
// executable's `main` an alias of `<module>_main`, so libFuzzer's own `main` cannot be used.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
