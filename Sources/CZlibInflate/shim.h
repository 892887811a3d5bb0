// zlib's inflate, for reading a workbook's parts with the bounds Drom sets (DromImport's
// ZIPPartReader).
#include <zlib.h>
