// Gradient-norm clipping as torch.nn.utils.clip_grad_norm_ (norm 2), without a host sync:
// squared_norm_add adds one gradient's sum of squares to a device scalar (one work-group of
// REDUCE_WG work-items, so the sum is deterministic); clip_by_norm scales a gradient by
// min(1, max_norm / (sqrt(total) + 1e-6)).
#include "reduce.h"

__kernel void squared_norm_add(__global const float *g, int count, __global float *total) {
    __local float scratch[REDUCE_WG];
    float sum = 0.0f;
    for (int e = get_local_id(0); e < count; e += REDUCE_WG) sum += g[e] * g[e];
    const float group = group_sum(sum, scratch);
    if (get_local_id(0) == 0) total[0] += group;
}

__kernel void clip_by_norm(__global float *g, int count, __global const float *total, float max_norm) {
    const int e = get_global_id(0);
    if (e >= count) return;
    const float factor = fmin(1.0f, max_norm / (sqrt(total[0]) + 1e-6f));
    g[e] *= factor;
}
