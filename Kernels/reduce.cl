// Column sums of a row-major [rows, cols] matrix: the bias gradients of conv (rows = pixels)
// and dense (rows = batch) layers, and the sum of chunked partial results.

// part[chunk][col] = sum of a[r][col] over the chunk's rows [chunk * chunk_rows, ...), four
// columns per work-item so that each row is read as contiguous float4s. Global (ceil(cols/4),
// chunks); with one chunk, part is the result. Sums run in row order.
__kernel void column_sum(__global const float *a, int rows, int cols, int chunk_rows, __global float *part) {
    const int c0 = get_global_id(0) * 4, chunk = get_global_id(1);
    const int r0 = chunk * chunk_rows, r1 = min(rows, r0 + chunk_rows);
    if (c0 >= cols || r0 >= rows) return;
    if (c0 + 4 <= cols) {
        float4 acc = (float4)(0.0f);
        for (int r = r0; r < r1; ++r) acc += vload4(0, a + r * cols + c0);
        vstore4(acc, 0, part + chunk * cols + c0);
    } else {
        for (int c = c0; c < cols; ++c) {
            float acc = 0.0f;
            for (int r = r0; r < r1; ++r) acc += a[r * cols + c];
            part[chunk * cols + c] = acc;
        }
    }
}

// out[e] = sum_c part[c * count + e]: the per-chunk partial weight gradients of
// conv2d_weights_tiled (conv_tiled.cl), added in chunk order. Four elements per work-item.
__kernel void sum_partials(__global const float *part, int chunks, int count, __global float *out) {
    const int e0 = get_global_id(0) * 4;
    if (e0 + 4 <= count) {
        float4 acc = vload4(0, part + e0);
        for (int c = 1; c < chunks; ++c) acc += vload4(0, part + c * count + e0);
        vstore4(acc, 0, out + e0);
    } else {
        for (int e = e0; e < count; ++e) {
            float acc = part[e];
            for (int c = 1; c < chunks; ++c) acc += part[c * count + e];
            out[e] = acc;
        }
    }
}
