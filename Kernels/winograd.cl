// Winograd F(MxM, 3x3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016) for 3x3, stride 1, padding 1 layers, M = WINO_M = 2, 3 or 4; the host
// (Winograd.swift) decides when and which.
//
// Why: an MxM output tile costs T^2 multiplies (T = M + 2) instead of 9 M^2, so the GEMM part
// of forward, backward-data and weight-gradient passes shrinks 2.25x (M = 2), 3.24x (M = 3)
// or 4x (M = 4).
// The transforms are small constant matrices, memory-bound; the host runs them on chunks of
// images small enough that the transformed operands stay in the last-level cache. The
// products are conv_tiled.cl's kernels with GROUPS = T^2 (one GEMM per transform position xi):
//   forward / backward-data  M[xi][t][o]  = sum_c V[xi][t][c] U[xi][c][o]
//   weight gradient          Mw[xi][c][o] = sum_t V[xi][c][t] Yt[xi][t][o]  (V channel-major)
// with V = B^T d B (input patch d, TxT), U = G g G^T (filter g, 3x3), y = A^T M A (MxM),
// Yt = A dy A^T (dy tile MxM) and dw = G^T Mw G (3x3). The weight-gradient form follows from
// y = A^T diag(B^T d) G g being linear in g: dL/dg = G^T diag(B^T d) A dy, on both axes.
//
// Layouts: activations NHWC [n][IN_H][IN_W][C]; weights [3][3][IN_C][OUT_C] as conv.cl.
// This program sees BATCH images starting at image `first` of the tensors it is given
// (a chunk); tile t = (n, ty, tx) of the chunk covers output rows M*ty.. and columns M*tx..;
// sizes that are not multiples of M leave part tiles whose missing outputs are not written
// (forward) or read as zero (dy), and whose missing inputs read as zero.
// Program geometry: IN_C and OUT_C are the product's (for backward-data: the layer's output
// and input channels, FLIPPED 1); NR is the GEMM's panel width (packed U, zero past OUT_C).

#ifndef WINO_M
#define WINO_M 2
#endif
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
#ifndef NR
#define NR 16
#endif
#ifndef FLIPPED
#define FLIPPED 0
#endif
#ifndef HAS_BIAS
#define HAS_BIAS 1
#endif

// Channels per work-item: every transform runs along the contiguous channel axis, VW at a
// time as explicit vectors (POCL does not vectorise these gathers across work-items by
// itself; measured 2-3x slower as scalars). The host sets VW 8 (a whole AVX register; the
// tile-major transforms took 0.5-0.6x the time of VW 4) or 4 when both IN_C and OUT_C are
// multiples of it (one program serves every transform of a product), else 1.
#ifndef VW
#define VW 1
#endif
#if VW == 8
typedef float8 floatv;
#define LOADV(p) vload8(0, p)
#define STOREV(value, p) vstore8(value, 0, p)
#elif VW == 4
typedef float4 floatv;
#define LOADV(p) vload4(0, p)
#define STOREV(value, p) vstore4(value, 0, p)
#elif VW == 1
typedef float floatv;
#define LOADV(p) (*(p))
#define STOREV(value, p) (*(p) = (value))
#else
#error "VW must be 1, 4 or 8"
#endif

#define WT (WINO_M + 2)
#define POSITIONS (WT * WT)
#define TILES_H ((IN_H + WINO_M - 1) / WINO_M)
#define TILES_W ((IN_W + WINO_M - 1) / WINO_M)
#define TILES (BATCH * TILES_H * TILES_W)
#define COL_TILES ((OUT_C + NR - 1) / NR)
#define IMAGE_IN (IN_H * IN_W * IN_C)
#define IMAGE_OUT (IN_H * IN_W * OUT_C)

// The transform matrices; every product below is fully unrolled over them, and terms whose
// coefficient is zero are skipped at compile time (IEEE rules forbid folding x * 0 away).
#if WINO_M == 2
__constant float BT[WT][WT] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
__constant float G[WT][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
__constant float AT[WINO_M][WT] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
#elif WINO_M == 3
// Points 0, 1, -1, 2 and infinity (Toom-Cook; B^T solved from the identity and checked numerically).
__constant float BT[WT][WT] = {{2, -1, -2, 1, 0}, {0, -2, -1, 1, 0}, {0, 2, -3, 1, 0}, {0, -1, 0, 1, 0}, {0, 2, -1, -2, 1}};
__constant float G[WT][3] = {{0.5f, 0, 0}, {-0.5f, -0.5f, -0.5f}, {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                             {1.0f / 6, 1.0f / 3, 2.0f / 3}, {0, 0, 1}};
__constant float AT[WINO_M][WT] = {{1, 1, 1, 1, 0}, {0, 1, -1, 2, 0}, {0, 1, 1, 4, 1}};
#elif WINO_M == 4
__constant float BT[WT][WT] = {{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                               {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
__constant float G[WT][3] = {{0.25f, 0, 0}, {-1.0f / 6, -1.0f / 6, -1.0f / 6}, {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                             {1.0f / 24, 1.0f / 12, 1.0f / 6}, {1.0f / 24, -1.0f / 12, 1.0f / 6}, {0, 0, 1}};
__constant float AT[WINO_M][WT] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
#else
#error "WINO_M must be 2, 3 or 4"
#endif

// out[i][j] = sum_k L[i][k] in[k][j]: a constant matrix on the left. LEFT(i, k) names L's entry.
#define LEFT_PRODUCT(ROWS, INNER, COLS, LEFT, in, out) \
    _Pragma("unroll") for (int i = 0; i < ROWS; ++i) \
    _Pragma("unroll") for (int j = 0; j < COLS; ++j) { \
        floatv sum = (floatv)(0.0f); \
        _Pragma("unroll") for (int k = 0; k < INNER; ++k) if (LEFT(i, k) != 0.0f) sum = fma((floatv)(LEFT(i, k)), in[k][j], sum); \
        out[i][j] = sum; \
    }
// out[i][j] = sum_k in[i][k] R[k][j]: a constant matrix on the right. RIGHT(k, j) names R's entry.
#define RIGHT_PRODUCT(ROWS, INNER, COLS, RIGHT, in, out) \
    _Pragma("unroll") for (int i = 0; i < ROWS; ++i) \
    _Pragma("unroll") for (int j = 0; j < COLS; ++j) { \
        floatv sum = (floatv)(0.0f); \
        _Pragma("unroll") for (int k = 0; k < INNER; ++k) if (RIGHT(k, j) != 0.0f) sum = fma(in[i][k], (floatv)(RIGHT(k, j)), sum); \
        out[i][j] = sum; \
    }
#define B_T(i, k) BT[i][k]
#define B_(k, j) BT[j][k]
#define G_(i, k) G[i][k]
#define G_T(k, j) G[j][k]
#define GT_LEFT(i, k) G[k][i]
#define G_RIGHT(k, j) G[k][j]
#define A_T(i, k) AT[i][k]
#define A_(k, j) AT[j][k]
#define A_LEFT(i, k) AT[k][i]
#define AT_RIGHT(k, j) AT[k][j]

// The chunk image and tile position of tile t.
#define TILE_ORIGIN(t) \
    const int tx = (t) % TILES_W, ty = ((t) / TILES_W) % TILES_H, n = first + (t) / (TILES_W * TILES_H);

// v[xi][t][c] = (B^T d B)[xi]. Global (IN_C / VW, TILES).
// CHANNEL_MAJOR 1 writes v[xi][c][t] instead, the A operand of the weight gradient's product
// (rows c, reduction over t contiguous), from global (TILES, IN_C / VW): neighbouring
// work-items then write neighbouring tiles.
#ifndef CHANNEL_MAJOR
#define CHANNEL_MAJOR 0
#endif
__kernel void winograd_input_transform(__global const float *x, __global float *v, int first) {
#if CHANNEL_MAJOR
    const int c = get_global_id(1) * VW, t = get_global_id(0);
#else
    const int c = get_global_id(0) * VW, t = get_global_id(1);
#endif
    if (c >= IN_C || t >= TILES) return;
    TILE_ORIGIN(t)
    floatv d[WT][WT], r[WT][WT], out[WT][WT];
#pragma unroll
    for (int i = 0; i < WT; ++i) {
        const int iy = WINO_M * ty - 1 + i;
#pragma unroll
        for (int j = 0; j < WT; ++j) {
            const int ix = WINO_M * tx - 1 + j;
            d[i][j] = iy >= 0 && iy < IN_H && ix >= 0 && ix < IN_W ? LOADV(x + n * IMAGE_IN + (iy * IN_W + ix) * IN_C + c) : (floatv)(0.0f);
        }
    }
    LEFT_PRODUCT(WT, WT, WT, B_T, d, r)
    RIGHT_PRODUCT(WT, WT, WT, B_, r, out)
#pragma unroll
    for (int xi = 0; xi < POSITIONS; ++xi) {
#if CHANNEL_MAJOR
        float values[VW];
        STOREV(out[xi / WT][xi % WT], values);
#pragma unroll
        for (int e = 0; e < VW; ++e) v[(xi * IN_C + c + e) * TILES + t] = values[e];
#else
        STOREV(out[xi / WT][xi % WT], v + (xi * TILES + t) * IN_C + c);
#endif
    }
}

// u = G g G^T into the GEMM's packed panels: u[xi][j][c][NR] holds column o = j*NR + col,
// zero for o >= OUT_C. FLIPPED 1 builds backward-data's filters from the layer's w
// [3][3][OUT_C][IN_C]: g[ky][kx] = w[2-ky][2-kx][o][c] (one channel at a time there, the
// layer's w is contiguous in c, not o, so the global size is then (IN_C, COL_TILES*NR / VW):
// neighbouring work-items read neighbouring floats; under half the time of o-major there).
// Global (COL_TILES*NR / VW, IN_C).
__kernel void winograd_weight_transform(__global const float *w, __global float *u) {
#if FLIPPED
    const int o = get_global_id(1) * VW, c = get_global_id(0);
#else
    const int o = get_global_id(0) * VW, c = get_global_id(1);
#endif
    if (o >= COL_TILES * NR || c >= IN_C) return;
    floatv g[3][3], r[WT][3], out[WT][WT];
#pragma unroll
    for (int ky = 0; ky < 3; ++ky)
#pragma unroll
        for (int kx = 0; kx < 3; ++kx) {
#if FLIPPED
            float values[VW];
#pragma unroll
            for (int e = 0; e < VW; ++e) values[e] = o + e < OUT_C ? w[((8 - (ky * 3 + kx)) * OUT_C + o + e) * IN_C + c] : 0.0f;
            g[ky][kx] = LOADV(values);
#else
            g[ky][kx] = o < OUT_C ? LOADV(w + ((ky * 3 + kx) * IN_C + c) * OUT_C + o) : (floatv)(0.0f);
#endif
        }
    LEFT_PRODUCT(WT, 3, 3, G_, g, r)
    RIGHT_PRODUCT(WT, 3, WT, G_T, r, out)
    const int j = o / NR, col = o % NR;
#pragma unroll
    for (int xi = 0; xi < POSITIONS; ++xi) STOREV(out[xi / WT][xi % WT], u + ((xi * COL_TILES + j) * IN_C + c) * NR + col);
}

// y = A^T m A (+ bias) for the tile's in-image outputs. Global (OUT_C / VW, TILES).
__kernel void winograd_output_transform(__global const float *m, __global const float *bias, __global float *y, int first) {
    const int o = get_global_id(0) * VW, t = get_global_id(1);
    if (o >= OUT_C || t >= TILES) return;
    TILE_ORIGIN(t)
    floatv s[WT][WT], r[WINO_M][WT], out[WINO_M][WINO_M];
#pragma unroll
    for (int xi = 0; xi < POSITIONS; ++xi) s[xi / WT][xi % WT] = LOADV(m + (xi * TILES + t) * OUT_C + o);
    LEFT_PRODUCT(WINO_M, WT, WT, A_T, s, r)
    RIGHT_PRODUCT(WINO_M, WT, WINO_M, A_, r, out)
#if HAS_BIAS
    const floatv b = LOADV(bias + o);
#else
    const floatv b = (floatv)(0.0f);
#endif
#pragma unroll
    for (int i = 0; i < WINO_M; ++i) {
        const int oy = WINO_M * ty + i;
#pragma unroll
        for (int j = 0; j < WINO_M; ++j) {
            const int ox = WINO_M * tx + j;
            if (oy < IN_H && ox < IN_W) STOREV(out[i][j] + b, y + n * IMAGE_OUT + (oy * IN_W + ox) * OUT_C + o);
        }
    }
}

// yt[xi][t][o] = (A dy A^T)[xi], outputs outside the image read as zero. Global (OUT_C / VW, TILES).
__kernel void winograd_gradient_transform(__global const float *dy, __global float *yt, int first) {
    const int o = get_global_id(0) * VW, t = get_global_id(1);
    if (o >= OUT_C || t >= TILES) return;
    TILE_ORIGIN(t)
    floatv e[WINO_M][WINO_M], r[WT][WINO_M], out[WT][WT];
#pragma unroll
    for (int i = 0; i < WINO_M; ++i)
#pragma unroll
        for (int j = 0; j < WINO_M; ++j) {
            const int oy = WINO_M * ty + i, ox = WINO_M * tx + j;
            e[i][j] = oy < IN_H && ox < IN_W ? LOADV(dy + n * IMAGE_OUT + (oy * IN_W + ox) * OUT_C + o) : (floatv)(0.0f);
        }
    LEFT_PRODUCT(WT, WINO_M, WINO_M, A_LEFT, e, r)
    RIGHT_PRODUCT(WT, WINO_M, WT, AT_RIGHT, r, out)
#pragma unroll
    for (int xi = 0; xi < POSITIONS; ++xi) STOREV(out[xi / WT][xi % WT], yt + (xi * TILES + t) * OUT_C + o);
}

// dw[ky][kx][c][o] = (G^T mw G)[ky][kx] from mw[xi][c][o]. Global (OUT_C / VW, IN_C).
__kernel void winograd_weight_gradient_transform(__global const float *mw, __global float *dw) {
    const int o = get_global_id(0) * VW, c = get_global_id(1);
    if (o >= OUT_C || c >= IN_C) return;
    floatv s[WT][WT], r[3][WT], out[3][3];
#pragma unroll
    for (int xi = 0; xi < POSITIONS; ++xi) s[xi / WT][xi % WT] = LOADV(mw + (xi * IN_C + c) * OUT_C + o);
    LEFT_PRODUCT(3, WT, WT, GT_LEFT, s, r)
    RIGHT_PRODUCT(3, WT, 3, G_RIGHT, r, out)
#pragma unroll
    for (int k = 0; k < 9; ++k) STOREV(out[k / 3][k % 3], dw + (k * IN_C + c) * OUT_C + o);
}
