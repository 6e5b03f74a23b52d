/* What the firmware needs of wasm3 beyond wasm3.h: the first slot of the runtime's stack, where
   m3_CallWithArgs leaves a function's result. */
#include "m3_env.h"

uint64_t mote_wasm3_result(IM3Function function)
{
    return *(const uint64_t *) function->module->runtime->stack;
}
