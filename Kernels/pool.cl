// 2x2 max pooling, stride 2, NHWC. argmax holds the window position (dy*2 + dx) of the
// maximum; the first of equal values wins, as in the reference.
__kernel void maxpool_forward(__global const float *x, __global float *y, __global int *argmax,
                              int N, int H, int W, int C, int OH, int OW) {
    const int e = get_global_id(0);
    if (e >= N * OH * OW * C) return;
    const int c = e % C, ox = (e / C) % OW, oy = (e / (C * OW)) % OH, n = e / (C * OW * OH);
    __global const float *base = x + ((n * H + 2 * oy) * W + 2 * ox) * C + c;
    float best = base[0];
    int position = 0;
    for (int p = 1; p < 4; ++p) {
        const float v = base[((p >> 1) * W + (p & 1)) * C];
        if (v > best) { best = v; position = p; }
    }
    y[e] = best;
    argmax[e] = position;
}

// One work-item per input element: it receives its window's gradient if it was the maximum.
// Rows and columns beyond 2*OH, 2*OW belong to no window and get 0.
__kernel void maxpool_backward(__global const float *dy, __global const int *argmax, __global float *dx,
                               int N, int H, int W, int C, int OH, int OW) {
    const int e = get_global_id(0);
    if (e >= N * H * W * C) return;
    const int c = e % C, ix = (e / C) % W, iy = (e / (C * W)) % H, n = e / (C * W * H);
    const int oy = iy >> 1, ox = ix >> 1;
    float g = 0.0f;
    if (oy < OH && ox < OW) {
        const int o = ((n * OH + oy) * OW + ox) * C + c;
        if (argmax[o] == ((iy & 1) << 1 | (ix & 1))) g = dy[o];
    }
    dx[e] = g;
}
