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

// One work-item per output element: it writes its whole 2x2 window (the gradient at the
// saved position, 0 at the other three), so every input element is written once and dy and
// argmax are read once. With odd H or W the last window row/column also clears the input
// row/column that belongs to no window.
__kernel void maxpool_backward(__global const float *dy, __global const int *argmax, __global float *dx,
                               int N, int H, int W, int C, int OH, int OW) {
    const int e = get_global_id(0);
    if (e >= N * OH * OW * C) return;
    const int c = e % C, ox = (e / C) % OW, oy = (e / (C * OW)) % OH, n = e / (C * OW * OH);
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
