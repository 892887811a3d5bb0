// Debian's libstemmer (Snowball), package libstemmer-dev.
#include <libstemmer.h>
