// 2x2 max pooling, stride 2, NHWC. argmax holds the window position (dy*2 + dx) of the
// maximum; the first of equal values wins, as in the reference. With `relu` set (the
// geometry's fusedReLU) a window whose maximum is not positive outputs 0 and argmax -1, which
// the backward pass treats as "no gradient".
//
// Work-items are (channel or channel group, output column, image row n*OH + oy): no divisions
// by C per element, and neighbouring work-items read neighbouring channels, so the loads of a
// window are contiguous across a work-group.
#include "pool.h"

__kernel void maxpool_forward(__global const float *x, __global float *y, __global int *argmax,
                              int N, int H, int W, int C, int OH, int OW, int relu) {
    const int c = get_global_id(0), ox = get_global_id(1), row = get_global_id(2);
    if (c >= C || ox >= OW || row >= N * OH) return;
    const int n = row / OH, oy = row - n * OH;
    __global const float *base = x + ((n * H + 2 * oy) * W + 2 * ox) * C + c;
    float best = base[0];
    int position = 0;
    for (int p = 1; p < 4; ++p) {
        const float v = base[((p >> 1) * W + (p & 1)) * C];
        if (v > best) { best = v; position = p; }
    }
    if (relu && !(best > 0.0f)) { best = 0.0f; position = -1; }
    const int e = (row * OW + ox) * C + c;
    y[e] = best;
    argmax[e] = position;
}

// The same for C % 4 == 0, four channels per work-item with float4 loads.
__kernel void maxpool_forward4(__global const float *x, __global float *y, __global int *argmax,
                               int N, int H, int W, int C, int OH, int OW, int relu) {
    const int c = get_global_id(0) * 4, ox = get_global_id(1), row = get_global_id(2);
    if (c >= C || ox >= OW || row >= N * OH) return;
    const int n = row / OH, oy = row - n * OH;
    __global const float *base = x + ((n * H + 2 * oy) * W + 2 * ox) * C + c;
    float4 best;
    int4 position;
    window_max4(vload4(0, base), vload4(0, base + C), vload4(0, base + W * C), vload4(0, base + W * C + C), relu, &best, &position);
    const int e = (row * OW + ox) * C + c;
    vstore4(best, 0, y + e);
    vstore4(position, 0, argmax + e);
}

// One work-item per output element: it writes its whole 2x2 window (the gradient at the
// saved position, 0 at the other three), so every input element is written once and dy and
// argmax are read once. With odd H or W the last window row/column also clears the input
// row/column that belongs to no window. argmax -1 (fused ReLU, window not positive) writes
// zeros only.
__kernel void maxpool_backward(__global const float *dy, __global const int *argmax, __global float *dx,
                               int N, int H, int W, int C, int OH, int OW) {
    const int c = get_global_id(0), ox = get_global_id(1), row = get_global_id(2);
    if (c >= C || ox >= OW || row >= N * OH) return;
    const int n = row / OH, oy = row - n * OH;
    const int e = (row * OW + ox) * C + c;
    const float g = dy[e];
    const int p = argmax[e];
    __global float *base = dx + ((n * H + 2 * oy) * W + 2 * ox) * C + c;
    const int down = W * C;
    base[0] = p == 0 ? g : 0.0f;
    base[C] = p == 1 ? g : 0.0f;
    base[down] = p == 2 ? g : 0.0f;
    base[down + C] = p == 3 ? g : 0.0f;
    const bool last_column = (W & 1) && ox == OW - 1, last_row = (H & 1) && oy == OH - 1;
    if (last_column) { base[2 * C] = 0.0f; base[down + 2 * C] = 0.0f; }
    if (last_row) {
        base[2 * down] = 0.0f;
        base[2 * down + C] = 0.0f;
        if (last_column) base[2 * down + 2 * C] = 0.0f;
    }
}

// The same for C % 4 == 0, four channels per work-item.
__kernel void maxpool_backward4(__global const float *dy, __global const int *argmax, __global float *dx,
                                int N, int H, int W, int C, int OH, int OW) {
    const int c = get_global_id(0) * 4, ox = get_global_id(1), row = get_global_id(2);
    if (c >= C || ox >= OW || row >= N * OH) return;
    const int n = row / OH, oy = row - n * OH;
    const int e = (row * OW + ox) * C + c;
    const float4 g = vload4(0, dy + e), zero = (float4)(0.0f);
    const int4 p = vload4(0, argmax + e);
    __global float *base = dx + ((n * H + 2 * oy) * W + 2 * ox) * C + c;
    const int down = W * C;
    vstore4(select(zero, g, p == 0), 0, base);
    vstore4(select(zero, g, p == 1), 0, base + C);
    vstore4(select(zero, g, p == 2), 0, base + down);
    vstore4(select(zero, g, p == 3), 0, base + down + C);
    const bool last_column = (W & 1) && ox == OW - 1, last_row = (H & 1) && oy == OH - 1;
    if (last_column) { vstore4(zero, 0, base + 2 * C); vstore4(zero, 0, base + down + 2 * C); }
    if (last_row) {
        vstore4(zero, 0, base + 2 * down);
        vstore4(zero, 0, base + 2 * down + C);
        if (last_column) vstore4(zero, 0, base + 2 * down + 2 * C);
    }
}
