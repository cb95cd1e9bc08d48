/* Calls the @api functions of api.ts by their exact public names. */
#include "api.h"

int32_t ext_call_api(int32_t x) {
  (void)my_api_add((uint32_t)x);
  return my_api_negate(x);
}
