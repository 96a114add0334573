// Batch gathering and augmentation, the twin of Sources/ReferenceBackend/Augment.swift (the
// maths is stated on FERCore's AugmentParameters). One work-item per output row (b, y): the
// image's random draws are computed once per row and the row's pixels in a loop.
#include "philox.h"

inline float draw(ulong seed, ulong epoch, int image, int k) {
    return philox_uniform(seed, epoch, (ulong)image * 8 + (ulong)k);
}

inline float pixel_at(__global const uchar *image, int x, int y, int W, int H) {
    return (x >= 0 && x < W && y >= 0 && y < H) ? (float)image[y * W + x] : 0.0f;
}

__kernel void augment_batch(__global const uchar *images, __global const int *labels, __global const int *indices,
                            int first_index, __global float *out, __global int *out_labels,
                            int B, int N, int H, int W, ulong seed, ulong epoch,
                            float flip_probability, float min_rotation, float max_rotation,
                            float min_scale, float max_scale, float max_translation, int crop_padding,
                            float pixel_scale, float mean, float std_dev, float erasing_probability,
                            int view_offset_x, int view_offset_y) {
    const int row = get_global_id(0);
    if (row >= B * H) return;
    const int b = row / H, oy = row % H;
    const int source = indices[first_index + b];
    __global float *target = out + (b * H + oy) * W;
    if (source < 0 || source >= N) {
        for (int ox = 0; ox < W; ++ox) target[ox] = 0.0f;
        if (oy == 0) out_labels[b] = -1;
        return;
    }
    if (oy == 0) out_labels[b] = labels[source];
    const bool flip = draw(seed, epoch, source, 0) < flip_probability;
    const float angle = min_rotation + draw(seed, epoch, source, 1) * (max_rotation - min_rotation);
    const float scale = min_scale + draw(seed, epoch, source, 2) * (max_scale - min_scale);
    const float tx = (2.0f * draw(seed, epoch, source, 3) - 1.0f) * max_translation;
    const float ty = (2.0f * draw(seed, epoch, source, 4) - 1.0f) * max_translation;
    const float span = (float)(2 * crop_padding + 1);
    const int crop_x = min((int)(draw(seed, epoch, source, 5) * span), 2 * crop_padding) - crop_padding;
    const int crop_y = min((int)(draw(seed, epoch, source, 6) * span), 2 * crop_padding) - crop_padding;
    const float radians = angle * (M_PI_F / 180.0f);
    const float cosine = cos(radians), sine = sin(radians);
    const float center_x = (float)(W - 1) / 2.0f, center_y = (float)(H - 1) / 2.0f;
    __global const uchar *image = images + (size_t)source * H * W;
    const float qy = (float)oy - center_y;
    for (int ox = 0; ox < W; ++ox) {
        const float qx = (float)ox - center_x;
        float sx = (cosine * qx + sine * qy) / scale - tx + center_x;
        const float sy = (-sine * qx + cosine * qy) / scale - ty + center_y;
        if (flip) sx = (float)(W - 1) - sx;
        const float fx = sx + (float)(crop_x + view_offset_x), fy = sy + (float)(crop_y + view_offset_y);
        const float x0f = floor(fx), y0f = floor(fy);
        const int x0 = (int)x0f, y0 = (int)y0f;
        const float wx = fx - x0f, wy = fy - y0f;
        const float top = pixel_at(image, x0, y0, W, H) * (1.0f - wx) + pixel_at(image, x0 + 1, y0, W, H) * wx;
        const float bottom = pixel_at(image, x0, y0 + 1, W, H) * (1.0f - wx) + pixel_at(image, x0 + 1, y0 + 1, W, H) * wx;
        const float value = top * (1.0f - wy) + bottom * wy;
        target[ox] = (value * pixel_scale - mean) / std_dev;
    }
    // Random erasing: integer sides and corner from products and truncations only, as the host's
    // AugmentParameters.erasedRectangle, so both backends erase the same pixels.
    if (erasing_probability > 0.0f) {
        const ulong stream = epoch | ((ulong)1 << 63);
        const ulong base = (ulong)source * 8;
        if (philox_uniform(seed, stream, base) < erasing_probability) {
            const int low_h = max(1, H / 5), high_h = max(low_h, H * 3 / 5);
            const int low_w = max(1, W / 5), high_w = max(low_w, W * 3 / 5);
            const int eh = low_h + min((int)(philox_uniform(seed, stream, base + 1) * (float)(high_h - low_h + 1)), high_h - low_h);
            const int ew = low_w + min((int)(philox_uniform(seed, stream, base + 2) * (float)(high_w - low_w + 1)), high_w - low_w);
            const int top = min((int)(philox_uniform(seed, stream, base + 3) * (float)(H - eh + 1)), H - eh);
            const int left = min((int)(philox_uniform(seed, stream, base + 4) * (float)(W - ew + 1)), W - ew);
            if (oy >= top && oy < top + eh)
                for (int ox = left; ox < left + ew; ++ox) target[ox] = 0.0f;
        }
    }
}
