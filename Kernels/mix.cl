// Mixup and CutMix of a batch with its mirrored batch order (image b with image B-1-b), the
// twin of Sources/ReferenceBackend/MixBatch.swift; the maths is stated on FERCore's MixGeometry.
// One work-item per output pixel. CUTMIX 0: out = lambda x[b] + (1 - lambda) x[B-1-b] (the
// same float products as the reference); CUTMIX 1: the box [top, top+h) x [left, left+w) comes
// from the partner.
__kernel void mix_batch(__global const float *x, __global float *y, int B, int H, int W, float lambda,
                        int cutmix, int top, int left, int box_h, int box_w) {
    const int e = get_global_id(0);
    if (e >= B * H * W) return;
    const int pixels = H * W;
    const int b = e / pixels, p = e % pixels;
    const int partner = (B - 1 - b) * pixels + p;
    if (cutmix) {
        const int row = p / W, column = p % W;
        const bool inside = row >= top && row < top + box_h && column >= left && column < left + box_w;
        y[e] = inside ? x[partner] : x[e];
    } else {
        y[e] = lambda * x[e] + (1.0f - lambda) * x[partner];
    }
}
