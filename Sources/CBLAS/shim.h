// OpenBLAS's CBLAS interface plus its thread and core-type queries.
#include <cblas.h>
