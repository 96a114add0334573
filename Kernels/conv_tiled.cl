// Register-tiled implicit GEMM for convolution and dense layers (see Conv2d.swift, Dense.swift).
// NHWC activations, weights [KH][KW][C][K] as in conv.cl; dense layers are 1x1 convolutions of
// 1x1 images.
//
// Why this shape (DESIGN.md, "What is known about speed on POCL"): POCL does not vectorise a
// GEMM-like K loop across work-items, so each work-item owns an explicit MR x NR tile of the
// output (MR rows, NR = 16*NV columns as float16 vectors), broadcasts one A element per row,
// loads B rows as whole vectors and runs the whole K loop; the host launches it with local size
// 1 on CPUs (Tuning decides). Shapes and tile sizes are compile-time constants (-D), so pitches
// fold into addressing and the accumulators stay in registers.
//
// Assumptions, all checked by the host (Conv2d.swift) before it picks these kernels:
//   conv2d_forward_tiled          any geometry (stride, padding, kernel size, channel counts).
//                                 B is the weight matrix [KDIM][OUT_C] read in place (PACKED_B 0,
//                                 needs OUT_C % NR == 0) or packed by conv2d_pack_weights into
//                                 column panels of NR, zero past OUT_C (PACKED_B 1); `zeros` holds
//                                 at least IN_C zeros and stands in for input outside the image.
//   conv2d_weights_tiled          OUT_C % NR == 0 (dy rows are read as whole float16s); any other
//                                 geometry. A tile's MR rows share one tap (ky, kx), so each tap's
//                                 valid output range is a rectangle and the inner loop has no bounds
//                                 checks; rows past IN_C read a clamped channel and are not stored.
//                                 Writes one partial gradient per chunk of IMAGES_PER_CHUNK images
//                                 (the host sums them with sum_partials in reduce.cl when CHUNKS > 1).
//   conv2d_pack_weights[_flipped] any geometry; the flipped form turns w[KH][KW][C][K] into the
//                                 forward weights of backward-data: w'[KH-1-ky][KW-1-kx][K][C].
// Backward-data is conv2d_forward_tiled run on dy with the flipped weights and padding
// KH-1-P, KW-1-P (the host checks P <= K-1; else conv.cl's kernel); for stride S > 1 dy is
// read as dilated by S (DILATION), with the layer's input size as OUT_H x OUT_W.
// Dense layers: forward and backward-data are conv2d_forward_tiled, weight gradient
// conv2d_weights_tiled, all with 1x1 images and kernels. winograd.cl's products are
// conv2d_forward_tiled as well, 1x1 again: GROUPS of them stacked on global dimension 2, B the
// packed transformed filters or (weight gradient) the transformed dy read in place, and with
// ACCUMULATE the product added to y (image chunks summed in place).

// float16 values passed between inlined helpers trip clang's x86 ABI note for targets without
// AVX-512 (-Wpsabi): meaningless inside one program, and POCL prints "N warnings generated."
// for it on every build of every shape. Likewise the weight gradient's store loop, which
// stops at IN_C and so cannot be unrolled as its pragma asks (-Wpass-failed): it runs once per
// tile, after the whole K loop.
#pragma clang diagnostic ignored "-Wpsabi"
#pragma clang diagnostic ignored "-Wpass-failed"

#ifndef MR
#define MR 6
#endif
#ifndef NV
#define NV 4
#endif
#define NR (16 * NV)

// Geometry of the product this program computes (defaults: seed conv2 at batch 64).
#ifndef BATCH
#define BATCH 64
#endif
#ifndef IN_H
#define IN_H 24
#endif
#ifndef IN_W
#define IN_W 24
#endif
#ifndef IN_C
#define IN_C 64
#endif
#ifndef OUT_C
#define OUT_C 128
#endif
#ifndef KER_H
#define KER_H 3
#endif
#ifndef KER_W
#define KER_W 3
#endif
#ifndef STRIDE
#define STRIDE 1
#endif
#ifndef PAD_H
#define PAD_H 1
#endif
#ifndef PAD_W
#define PAD_W 1
#endif
#ifndef HAS_BIAS
#define HAS_BIAS 1
#endif
#ifndef IMAGES_PER_CHUNK
#define IMAGES_PER_CHUNK 1
#endif
// Independent forward products of this geometry stacked along global dimension 2 (winograd.cl:
// one per transform position); every operand of group g starts one whole operand further on.
#ifndef GROUPS
#define GROUPS 1
#endif
// conv2d_forward_tiled adds to its output instead of overwriting it (winograd.cl's weight
// gradient sums its image chunks in place).
#ifndef ACCUMULATE
#define ACCUMULATE 0
#endif

// DILATION > 1: the input is dilated, its pixels DILATION apart with zeros between them
// (backward-data of a stride-DILATION convolution; see conv2d_forward_tiled). The host then
// gives OUT_H and OUT_W, the layer's input size, which the dilated extent does not determine.
#ifndef DILATION
#define DILATION 1
#endif
#ifndef OUT_H
#define OUT_H ((IN_H + 2 * PAD_H - KER_H) / STRIDE + 1)
#endif
#ifndef OUT_W
#define OUT_W ((IN_W + 2 * PAD_W - KER_W) / STRIDE + 1)
#endif
#define PIXELS (BATCH * OUT_H * OUT_W)
#define KDIM (KER_H * KER_W * IN_C)
#define COL_TILES ((OUT_C + NR - 1) / NR)
#define ROW_TILES ((PIXELS + MR - 1) / MR)
#define CHUNKS ((BATCH + IMAGES_PER_CHUNK - 1) / IMAGES_PER_CHUNK)
// The B operand of conv2d_forward_tiled: packed panels (PACKED_B 1) or w itself (needs OUT_C % NR == 0).
#ifndef PACKED_B
#define PACKED_B 1
#endif
#if PACKED_B
#define B_PANEL (KDIM * NR)
#define B_ROW NR
#else
#define B_PANEL NR
#define B_ROW OUT_C
#endif
#define X_GROUP (BATCH * IN_H * IN_W * IN_C)
#define Y_GROUP (PIXELS * OUT_C)
#define B_GROUP (KDIM * COL_TILES * NR)  // packed panels, or w in place (OUT_C % NR == 0)

// Packs weights [KDIM][OUT_C] into column panels wp[j][k][NR], zero past OUT_C: the B operand
// when OUT_C % NR != 0 (otherwise the forward product reads w in place). Global (KDIM, COL_TILES).
__kernel void conv2d_pack_weights(__global const float *w, __global float *wp) {
    const int k = get_global_id(0), j = get_global_id(1);
    if (k >= KDIM || j >= COL_TILES) return;
    __global float *out = wp + (j * KDIM + k) * NR;
    for (int c = 0; c < NR; ++c) {
        const int o = j * NR + c;
        out[c] = o < OUT_C ? w[k * OUT_C + o] : 0.0f;
    }
}

// The same for backward-data. This program's geometry is the backward-data product's: IN_C is
// the layer's output channels, OUT_C its input channels; w is the layer's [KER_H][KER_W][OUT_C][IN_C].
//   wp[j][(ky, kx, o)][c] = w[KER_H-1-ky][KER_W-1-kx][j*NR + c][o]
// Global (KDIM, COL_TILES): neighbouring work-items read neighbouring o.
__kernel void conv2d_pack_weights_flipped(__global const float *w, __global float *wp) {
    const int k = get_global_id(0), j = get_global_id(1);
    if (k >= KDIM || j >= COL_TILES) return;
    const int o = k % IN_C, flipped = KER_H * KER_W - 1 - k / IN_C;
    __global const float *in = w + (flipped * OUT_C + j * NR) * IN_C + o;
    __global float *out = wp + (j * KDIM + k) * NR;
    for (int c = 0; c < NR; ++c) out[c] = j * NR + c < OUT_C ? in[c * IN_C] : 0.0f;
}

#if DILATION > 1
// With a dilated input, GEMM row p enumerates the output pixels phase by phase: for each
// (py, px) in [0, DILATION)^2 the pixels (n, py + D*a, px + D*b). A tap (ky, kx) meets a
// real input pixel only where oy - PAD_H + ky and ox - PAD_W + kx are multiples of D, which
// depends on the phase alone: the rows of a tile (one phase, except where a tile straddles
// two) skip together the taps that would only multiply zeros, so stride-2 backward-data does
// the work of the real taps, not 4x as much.
inline void phase_pixel(int p, int *n, int *oy, int *ox) {
    int start = 0;
    for (int py = 0; py < DILATION; ++py) {
        const int hp = (OUT_H - py + DILATION - 1) / DILATION;
        for (int px = 0; px < DILATION; ++px) {
            const int wp = (OUT_W - px + DILATION - 1) / DILATION;
            const int size = BATCH * hp * wp;
            if (p < start + size) {
                const int q = p - start;
                *ox = px + DILATION * (q % wp);
                *oy = py + DILATION * ((q / wp) % hp);
                *n = q / (wp * hp);
                return;
            }
            start += size;
        }
    }
}
#endif

// y[p][o] = bias[o] + sum_k A[p][k] * B[k][o], p = (n, oy, ox), k = (ky, kx, i),
// A[p][k] = x[n, oy*S - PAD_H + ky, ox*S - PAD_W + kx, i] (zero outside the image); with
// DILATION > 1 the input position (iy, ix) is x[n, iy / D, ix / D, i] where both are multiples
// of D, else zero, and p runs phase by phase (phase_pixel).
// Global size: (ROW_TILES, COL_TILES, GROUPS).
__kernel void conv2d_forward_tiled(__global const float *x, __global const float *wp, __global const float *bias,
                                   __global float *y, __global const float *zeros) {
    const int tile = get_global_id(0), j = get_global_id(1), group = get_global_id(2);
    if (tile >= ROW_TILES || j >= COL_TILES || group >= GROUPS) return;
    x += group * X_GROUP;
    wp += group * B_GROUP;
    y += group * Y_GROUP;
    const int p0 = tile * MR;
    int iy0[MR], ix0[MR], base[MR];
#if DILATION > 1
    int image[MR], out_pixel[MR];
#endif
#pragma unroll
    for (int r = 0; r < MR; ++r) {
        const int p = min(p0 + r, PIXELS - 1);
#if DILATION > 1
        int ox, oy, n;
        phase_pixel(p, &n, &oy, &ox);
        image[r] = n;
        out_pixel[r] = (n * OUT_H + oy) * OUT_W + ox;
#else
        const int ox = p % OUT_W, oy = (p / OUT_W) % OUT_H, n = p / (OUT_W * OUT_H);
#endif
        iy0[r] = oy * STRIDE - PAD_H;
        ix0[r] = ox * STRIDE - PAD_W;
        base[r] = ((n * IN_H + iy0[r]) * IN_W + ix0[r]) * IN_C;
    }
    float16 acc[MR][NV];
#pragma unroll
    for (int r = 0; r < MR; ++r)
#pragma unroll
        for (int v = 0; v < NV; ++v) acc[r][v] = (float16)(0.0f);

    __global const float16 *bp = (__global const float16 *)(wp + j * B_PANEL);
    for (int ky = 0; ky < KER_H; ++ky) {
        for (int kx = 0; kx < KER_W; ++kx) {
            __global const float *xr[MR];
#if DILATION > 1
            bool any = false;
#pragma unroll
            for (int r = 0; r < MR; ++r) {
                const int iy = iy0[r] + ky, ix = ix0[r] + kx;
                const bool inside = iy >= 0 && ix >= 0 && iy % DILATION == 0 && ix % DILATION == 0 &&
                                    iy / DILATION < IN_H && ix / DILATION < IN_W;
                xr[r] = inside ? x + ((image[r] * IN_H + iy / DILATION) * IN_W + ix / DILATION) * IN_C : zeros;
                any = any || inside;
            }
#else
#pragma unroll
            for (int r = 0; r < MR; ++r) {
                const int iy = iy0[r] + ky, ix = ix0[r] + kx;
                const bool inside = iy >= 0 && iy < IN_H && ix >= 0 && ix < IN_W;
                xr[r] = inside ? x + base[r] + (ky * IN_W + kx) * IN_C : zeros;
            }
#endif
#if DILATION > 1
            if (any)
#endif
            for (int i = 0; i < IN_C; ++i) {
                float16 b[NV];
#pragma unroll
                for (int v = 0; v < NV; ++v) b[v] = bp[i * (B_ROW / 16) + v];
#pragma unroll
                for (int r = 0; r < MR; ++r) {
                    const float16 a = (float16)(xr[r][i]);
#pragma unroll
                    for (int v = 0; v < NV; ++v) acc[r][v] = fma(a, b[v], acc[r][v]);
                }
            }
            bp += IN_C * (B_ROW / 16);
        }
    }

#pragma unroll
    for (int r = 0; r < MR; ++r) {
        if (p0 + r >= PIXELS) break;
#if DILATION > 1
        __global float *out = y + out_pixel[r] * OUT_C + j * NR;
#else
        __global float *out = y + (p0 + r) * OUT_C + j * NR;
#endif
#pragma unroll
        for (int v = 0; v < NV; ++v) {
#if OUT_C % NR == 0
            float16 result = acc[r][v];
#if HAS_BIAS
            result += vload16(0, bias + j * NR + v * 16);
#endif
#if ACCUMULATE
            result += vload16(v, out);
#endif
            vstore16(result, v, out);
#else
            float values[16];
            vstore16(acc[r][v], 0, values);
            for (int c = 0; c < 16; ++c) {
                const int o = j * NR + v * 16 + c;
                if (o >= OUT_C) continue;
#if HAS_BIAS
                values[c] += bias[o];
#endif
#if ACCUMULATE
                values[c] += out[v * 16 + c];
#endif
                out[v * 16 + c] = values[c];
            }
#endif
        }
    }
}

// Weight gradient of one chunk of images:
//   part[chunk][k][o] = sum over the chunk's pixels p of A[p][k] * dy[p][o]
// rows k = (ky, kx, i) in tiles of MR that share one tap (ky, kx), so that the valid output
// range for the tap is a rectangle and the inner loop has no bounds checks. Rows past KDIM
// read a clamped channel and are not stored. Global size: (row tiles, COL_TILES, CHUNKS),
// row tiles = KER_H*KER_W * ceil(IN_C / MR).
#define W_ROW_TILES_PER_TAP ((IN_C + MR - 1) / MR)
__kernel void conv2d_weights_tiled(__global const float *x, __global const float *dy, __global float *part) {
    const int tile = get_global_id(0), j = get_global_id(1), chunk = get_global_id(2);
    if (tile >= KER_H * KER_W * W_ROW_TILES_PER_TAP || j >= COL_TILES || chunk >= CHUNKS) return;
    const int tap = tile / W_ROW_TILES_PER_TAP, i0 = (tile % W_ROW_TILES_PER_TAP) * MR;
    const int ky = tap / KER_W, kx = tap % KER_W;
    // Output rows oy with 0 <= oy*S - PAD_H + ky < IN_H, likewise columns.
    const int oy_lo = max(0, (PAD_H - ky + STRIDE - 1) / STRIDE);
    const int oy_hi = min(OUT_H, (IN_H - 1 + PAD_H - ky) / STRIDE + 1);
    const int ox_lo = max(0, (PAD_W - kx + STRIDE - 1) / STRIDE);
    const int ox_hi = min(OUT_W, (IN_W - 1 + PAD_W - kx) / STRIDE + 1);
    int channel[MR];
#pragma unroll
    for (int r = 0; r < MR; ++r) channel[r] = min(i0 + r, IN_C - 1);

    float16 acc[MR][NV];
#pragma unroll
    for (int r = 0; r < MR; ++r)
#pragma unroll
        for (int v = 0; v < NV; ++v) acc[r][v] = (float16)(0.0f);

    const int n_end = min(BATCH, (chunk + 1) * IMAGES_PER_CHUNK);
    for (int n = chunk * IMAGES_PER_CHUNK; n < n_end; ++n) {
        for (int oy = oy_lo; oy < oy_hi; ++oy) {
            const int iy = oy * STRIDE - PAD_H + ky;
            __global const float *xrow = x + ((n * IN_H + iy) * IN_W + ox_lo * STRIDE - PAD_W + kx) * IN_C;
            __global const float16 *dyrow = (__global const float16 *)(dy + ((n * OUT_H + oy) * OUT_W + ox_lo) * OUT_C + j * NR);
            for (int ox = ox_lo; ox < ox_hi; ++ox) {
                float16 b[NV];
#pragma unroll
                for (int v = 0; v < NV; ++v) b[v] = dyrow[v];
#pragma unroll
                for (int r = 0; r < MR; ++r) {
                    const float16 a = (float16)(xrow[channel[r]]);
#pragma unroll
                    for (int v = 0; v < NV; ++v) acc[r][v] = fma(a, b[v], acc[r][v]);
                }
                xrow += STRIDE * IN_C;
                dyrow += OUT_C / 16;
            }
        }
    }

    __global float *out = part + chunk * (KDIM * OUT_C) + (tap * IN_C + i0) * OUT_C + j * NR;
#pragma unroll
    for (int r = 0; r < MR; ++r) {
        if (i0 + r >= IN_C) break;
#pragma unroll
        for (int v = 0; v < NV; ++v) vstore16(acc[r][v], v, out + r * OUT_C);
    }
}
