// Inverted dropout. Element e is kept when philox_uniform(seed, stream, e) >= rate and then
// scaled by 1/(1 - rate); the mask is recomputed, not stored, so forward and backward are
// the same kernel applied to x and to dy.
#include "philox.h"

__kernel void dropout_apply(__global const float *source, __global float *target, int count,
                            float rate, float scale, ulong seed, ulong stream) {
    const int e = get_global_id(0);
    if (e >= count) return;
    target[e] = philox_uniform(seed, stream, (ulong)e) >= rate ? source[e] * scale : 0.0f;
}
