// Column sums of a row-major [rows, cols] matrix: the bias gradients of conv (rows = pixels)
// and dense (rows = batch) layers. One work-group of REDUCE_WG work-items per column.
#include "reduce.h"

__kernel void column_sum(__global const float *a, int rows, int cols, __global float *out) {
    __local float scratch[REDUCE_WG];
    const int col = get_group_id(0), lid = get_local_id(0);
    float acc = 0.0f;
    if (col < cols)
        for (int r = lid; r < rows; r += REDUCE_WG) acc += a[r * cols + col];
    const float total = group_sum(acc, scratch);
    if (lid == 0 && col < cols) out[col] = total;
}
