// Haar-cascade scan of one scale: the decision of OpenCV's runAt for every window position
// (see HaarScanGeometry.swift for layouts and result codes). A work-item takes eight
// neighbouring positions of a row and evaluates them in vector lanes, stage by stage, until
// every lane is rejected: POCL runs the divergent stage loop of a one-window work-item
// window by window (measured: the work-group shape changed nothing), and neighbouring windows
// mostly stop at nearby stages, so the lanes are rarely idle for long. A row's last few
// positions, fewer than eight, are evaluated one at a time. Measured on a 640x480 video frame
// (POCL, AVX-512): 121 ms per frame one window per work-item, 77 ms with eight lanes; four
// lanes and sixteen were slower than eight, and so were the lane helpers left as calls
// (always_inline) or work-groups of more than one work-item (OpenCLBackend/HaarCascade.swift).
// The arithmetic follows the reference (ReferenceBackend/HaarCascade.swift) type for type, in
// each lane as in the one-window path: rectangle sums in wrapping int, feature values in float,
// the normalisation and the stage sums in double. Contraction into fma would change roundings
// the reference does not make, so it is off; the decisions are then identical, not merely close.
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

#define LANES 8

inline int rect_sum(__global const int *table, int origin, int stride, int x, int y, int w, int h) {
    const int top_left = origin + y * stride + x;
    const int bottom_left = top_left + h * stride;
    // Unsigned arithmetic wraps by definition, as the int32 squared sums need.
    return (int)((uint)table[top_left] - (uint)table[top_left + w] - (uint)table[bottom_left] + (uint)table[bottom_left + w]);
}

inline float feature_rect(__global const int *sum, int origin, int stride, __global const float *r) {
    return r[4] * (float)rect_sum(sum, origin, stride, (int)r[0], (int)r[1], (int)r[2], (int)r[3]);
}

// The window at one position: 1, -stage or -1 (too flat).
inline int scan_window(__global const int *sum, __global const int *squares, __global const float *features,
                       __global const float *stumps, __global const float *stages,
                       int window_w, int window_h, int stride, int stage_count, int origin) {
    const int window_sum = rect_sum(sum, origin, stride, 1, 1, window_w - 2, window_h - 2);
    const uint window_squares = (uint)rect_sum(squares, origin, stride, 1, 1, window_w - 2, window_h - 2);
    const double norm_area = (double)((window_w - 2) * (window_h - 2));
    const double spread = norm_area * (double)window_squares - (double)window_sum * (double)window_sum;
    if (!(spread > 0.0)) return -1;
    const float norm_factor = (float)(1.0 / sqrt(spread));
    if (!(norm_area * (double)norm_factor < 0.1)) return -1;
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
        if (total < (double)stages[2 * stage + 1]) return -stage;
        first += count;
    }
    return 1;
}

// table[at], table[at + step], ... table[at + 7 step]: the same point of eight neighbouring
// windows. Steps 1 and 2 (OpenCV's only ones) read contiguously and never past the last lane's
// element, which may be the table's last.
inline __attribute__((always_inline)) uint8 lane_values(__global const int *table, int at, int step) {
    __global const uint *p = (__global const uint *)table + at;
    if (step == 1) return vload8(0, p);
    if (step == 2) return shuffle2(vload8(0, p), vload8(0, p + 7), (uint8)(0, 2, 4, 6, 9, 11, 13, 15));
    return (uint8)(p[0], p[step], p[2 * step], p[3 * step], p[4 * step], p[5 * step], p[6 * step], p[7 * step]);
}

inline __attribute__((always_inline)) int8 rect_sums(__global const int *table, int origin, int stride, int step, int x, int y, int w, int h) {
    const int top_left = origin + y * stride + x;
    const int bottom_left = top_left + h * stride;
    return as_int8(lane_values(table, top_left, step) - lane_values(table, top_left + w, step)
                   - lane_values(table, bottom_left, step) + lane_values(table, bottom_left + w, step));
}

inline __attribute__((always_inline)) float8 feature_rects(__global const int *sum, int origin, int stride, int step, __global const float *r) {
    return r[4] * convert_float8(rect_sums(sum, origin, stride, step, (int)r[0], (int)r[1], (int)r[2], (int)r[3]));
}

// scan_window for the eight windows at origin, origin + step, ... (as a mask: -1 true, 0 false).
inline __attribute__((always_inline)) int8 scan_windows(__global const int *sum, __global const int *squares, __global const float *features,
                         __global const float *stumps, __global const float *stages,
                         int window_w, int window_h, int stride, int step, int stage_count, int origin) {
    const double8 window_sum = convert_double8(rect_sums(sum, origin, stride, step, 1, 1, window_w - 2, window_h - 2));
    const double8 window_squares = convert_double8(as_uint8(rect_sums(squares, origin, stride, step, 1, 1, window_w - 2, window_h - 2)));
    const double norm_area = (double)((window_w - 2) * (window_h - 2));
    const double8 spread = norm_area * window_squares - window_sum * window_sum;
    const float8 norm_factor = convert_float8(1.0 / sqrt(spread));
    int8 alive = convert_int8((spread > 0.0) & (norm_area * convert_double8(norm_factor) < 0.1));
    int8 code = select((int8)(-1), (int8)(1), alive);
    int first = 0;
    for (int stage = 0; stage < stage_count && any(alive); ++stage) {
        const int count = (int)stages[2 * stage];
        double8 total = 0.0;
        for (int s = first; s < first + count; ++s) {
            __global const float *stump = stumps + 4 * s;
            __global const float *f = features + 15 * (int)stump[0];
            float8 value = feature_rects(sum, origin, stride, step, f) + feature_rects(sum, origin, stride, step, f + 5);
            if (f[14] != 0.0f) value += feature_rects(sum, origin, stride, step, f + 10);
            value *= norm_factor;
            total += select((double8)((double)stump[3]), (double8)((double)stump[2]), convert_long8(value < stump[1]));
        }
        const int8 rejected = alive & convert_int8(total < (double)stages[2 * stage + 1]);
        code = select(code, (int8)(-stage), rejected);
        alive &= ~rejected;
        first += count;
    }
    return code;
}

__kernel void haar_cascade_scan(__global const int *sum, __global const int *squares, __global const float *features,
                                __global const float *stumps, __global const float *stages, __global int *result,
                                int window_w, int window_h, int stride, int step, int stage_count, int columns, int rows) {
    const int first_column = get_global_id(0) * LANES, row = get_global_id(1);
    if (first_column >= columns || row >= rows) return;
    const int row_origin = row * step * stride;
    __global int *out = result + row * columns;
    if (first_column + LANES <= columns) {
        vstore8(scan_windows(sum, squares, features, stumps, stages, window_w, window_h, stride, step, stage_count,
                             row_origin + first_column * step), 0, out + first_column);
        return;
    }
    for (int column = first_column; column < columns; ++column)
        out[column] = scan_window(sum, squares, features, stumps, stages, window_w, window_h, stride, stage_count,
                                  row_origin + column * step);
}
