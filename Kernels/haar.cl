// Haar-cascade scan of one scale: one work-item per window position, the decision of
// OpenCV's runAt for that window (see HaarScanGeometry.swift for layouts and result codes).
// The arithmetic follows the reference (ReferenceBackend/HaarCascade.swift) type for type:
// rectangle sums in wrapping int, feature values in float, the normalisation and the stage
// sums in double. Contraction into fma would change roundings the reference does not make,
// so it is off; the decisions are then identical, not merely close.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

inline int rect_sum(__global const int *table, int origin, int stride, int x, int y, int w, int h) {
    const int top_left = origin + y * stride + x;
    const int bottom_left = top_left + h * stride;
    // Unsigned arithmetic wraps by definition, as the int32 squared sums need.
    return (int)((uint)table[top_left] - (uint)table[top_left + w] - (uint)table[bottom_left] + (uint)table[bottom_left + w]);
}

inline float feature_rect(__global const int *sum, int origin, int stride, __global const float *r) {
    return r[4] * (float)rect_sum(sum, origin, stride, (int)r[0], (int)r[1], (int)r[2], (int)r[3]);
}

__kernel void haar_cascade_scan(__global const int *sum, __global const int *squares, __global const float *features,
                                __global const float *stumps, __global const float *stages, __global int *result,
                                int window_w, int window_h, int stride, int step, int stage_count, int columns, int rows) {
    const int column = get_global_id(0), row = get_global_id(1);
    if (column >= columns || row >= rows) return;
    const int origin = row * step * stride + column * step;
    const int window_sum = rect_sum(sum, origin, stride, 1, 1, window_w - 2, window_h - 2);
    const uint window_squares = (uint)rect_sum(squares, origin, stride, 1, 1, window_w - 2, window_h - 2);
    const double norm_area = (double)((window_w - 2) * (window_h - 2));
    const double spread = norm_area * (double)window_squares - (double)window_sum * (double)window_sum;
    int code = -1;
    if (spread > 0.0) {
        const float norm_factor = (float)(1.0 / sqrt(spread));
        if (norm_area * (double)norm_factor < 0.1) {
            code = 1;
            int first = 0;
            for (int stage = 0; stage < stage_count; ++stage) {
                const int count = (int)stages[2 * stage];
                double total = 0.0;
                for (int s = first; s < first + count; ++s) {
                    __global const float *stump = stumps + 4 * s;
                    __global const float *f = features + 15 * (int)stump[0];
                    float value = feature_rect(sum, origin, stride, f) + feature_rect(sum, origin, stride, f + 5);
                    if (f[14] != 0.0f) value += feature_rect(sum, origin, stride, f + 10);
                    value *= norm_factor;
                    total += (double)(value < stump[1] ? stump[2] : stump[3]);
                }
                if (total < (double)stages[2 * stage + 1]) { code = -stage; break; }
                first += count;
            }
        }
    }
    result[row * columns + column] = code;
}
