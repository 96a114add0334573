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
// Each scale first gets its stumps in the form the scan reads (haar_prepare_stumps, as OpenCV's
// per-scale OptFeature): every rectangle as its four corner offsets in this scale's integral table
// and the weights, threshold and leaf values beside them, so the stage loop reads two small
// records per stump instead of converting rectangle coordinates for every window (measured on
// the same video: 79-88 ms of detection per frame before, 56-67 ms after).
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

// A prepared stump (haar_prepare_stumps): CORNERS ints, per rectangle its top-left, top-right,
// bottom-left and bottom-right offsets from a window's origin; VALUES floats, the three
// rectangle weights (the third 0 when unused), the threshold and the left and right leaf values.
#define CORNERS 12
#define VALUES 8

__kernel void haar_prepare_stumps(__global const float *features, __global const float *stumps, __global int *corners,
                                  __global float *values, int stride, int stump_count) {
    const int s = get_global_id(0);
    if (s >= stump_count) return;
    __global const float *stump = stumps + 4 * s;
    __global const float *f = features + 15 * (int)stump[0];
    for (int r = 0; r < 3; ++r) {
        __global const float *rect = f + 5 * r;
        const int top_left = (int)rect[1] * stride + (int)rect[0], width = (int)rect[2], below = (int)rect[3] * stride;
        corners[CORNERS * s + 4 * r] = top_left;
        corners[CORNERS * s + 4 * r + 1] = top_left + width;
        corners[CORNERS * s + 4 * r + 2] = top_left + below;
        corners[CORNERS * s + 4 * r + 3] = top_left + below + width;
        values[VALUES * s + r] = rect[4];
    }
    values[VALUES * s + 3] = stump[1];
    values[VALUES * s + 4] = stump[2];
    values[VALUES * s + 5] = stump[3];
    values[VALUES * s + 6] = 0.0f;
    values[VALUES * s + 7] = 0.0f;
}

inline int corner_sum(__global const int *table, int origin, __global const int *c) {
    return (int)((uint)table[origin + c[0]] - (uint)table[origin + c[1]] - (uint)table[origin + c[2]] + (uint)table[origin + c[3]]);
}

// The window at one position: 1, -stage or -1 (too flat).
inline int scan_window(__global const int *sum, __global const int *squares, __global const int *corners,
                       __global const float *values, __global const float *stages,
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
            __global const int *c = corners + CORNERS * s;
            __global const float *v = values + VALUES * s;
            float value = v[0] * (float)corner_sum(sum, origin, c) + v[1] * (float)corner_sum(sum, origin, c + 4);
            if (v[2] != 0.0f) value += v[2] * (float)corner_sum(sum, origin, c + 8);
            value *= norm_factor;
            total += (double)(value < v[3] ? v[4] : v[5]);
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

inline __attribute__((always_inline)) int8 corner_sums(__global const int *table, int origin, int step, __global const int *c) {
    return as_int8(lane_values(table, origin + c[0], step) - lane_values(table, origin + c[1], step)
                   - lane_values(table, origin + c[2], step) + lane_values(table, origin + c[3], step));
}

// scan_window for the eight windows at origin, origin + step, ... (as a mask: -1 true, 0 false).
inline __attribute__((always_inline)) int8 scan_windows(__global const int *sum, __global const int *squares, __global const int *corners,
                         __global const float *values, __global const float *stages,
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
            __global const int *c = corners + CORNERS * s;
            __global const float *v = values + VALUES * s;
            float8 value = v[0] * convert_float8(corner_sums(sum, origin, step, c)) + v[1] * convert_float8(corner_sums(sum, origin, step, c + 4));
            if (v[2] != 0.0f) value += v[2] * convert_float8(corner_sums(sum, origin, step, c + 8));
            value *= norm_factor;
            total += select((double8)((double)v[5]), (double8)((double)v[4]), convert_long8(value < v[3]));
        }
        const int8 rejected = alive & convert_int8(total < (double)stages[2 * stage + 1]);
        code = select(code, (int8)(-stage), rejected);
        alive &= ~rejected;
        first += count;
    }
    return code;
}

__kernel void haar_cascade_scan(__global const int *sum, __global const int *squares, __global const int *corners,
                                __global const float *values, __global const float *stages, __global int *result,
                                int window_w, int window_h, int stride, int step, int stage_count, int columns, int rows) {
    const int first_column = get_global_id(0) * LANES, row = get_global_id(1);
    if (first_column >= columns || row >= rows) return;
    const int row_origin = row * step * stride;
    __global int *out = result + row * columns;
    if (first_column + LANES <= columns) {
        vstore8(scan_windows(sum, squares, corners, values, stages, window_w, window_h, stride, step, stage_count,
                             row_origin + first_column * step), 0, out + first_column);
        return;
    }
    for (int column = first_column; column < columns; ++column)
        out[column] = scan_window(sum, squares, corners, values, stages, window_w, window_h, stride, stage_count,
                                  row_origin + column * step);
}
