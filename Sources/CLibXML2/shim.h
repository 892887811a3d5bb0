// Debian's libxml2 is built with ICU, whose headers clash with Foundation's own ICU
// ('UErrorCode' has different definitions). Drom never touches libxml2's ICU fields,
// so the version header is read first and the ICU switch turned off before the rest.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
