// libpng (libpng-dev), for the CPNG shim: Swift code goes through CPNG, never through this.
#include <png.h>
