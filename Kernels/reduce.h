// Work-group sum used by the per-channel reductions. REDUCE_WG is the work-group size, a
// power of two; every work-item of the group must call it (it contains barriers).
#ifndef FER_REDUCE_H
#define FER_REDUCE_H

#ifndef REDUCE_WG
#define REDUCE_WG 64
#endif

inline float group_sum(float value, __local float *scratch) {
    const int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int offset = REDUCE_WG / 2; offset > 0; offset >>= 1) {
        if (lid < offset) scratch[lid] += scratch[lid + offset];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

#endif
