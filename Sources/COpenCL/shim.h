// OpenCL 1.2 is the newest version every target (POCL, NVIDIA, AMD, Intel) implements fully.
#define CL_TARGET_OPENCL_VERSION 120
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>
