/*
 * Thin C helpers over libjpeg(-turbo) and libpng for the FERData Swift target.
 *
 * Why C at all: libjpeg reports fatal errors by calling error_exit(), whose default
 * implementation calls exit(). The only way to recover is to longjmp out of the
 * library, and Swift cannot call setjmp/longjmp. So every libjpeg call sequence lives
 * in a static inline function here, guarded by setjmp, and Swift only sees plain
 * status codes. libpng's simplified API (png_image) already returns errors, but the
 * helpers stay here too so both codecs share one calling convention.
 *
 * Calling convention: each function returns one of the FER_CODEC_* codes; on success
 * *out receives a malloc'd buffer the caller releases with free(); on failure err
 * receives a NUL-terminated, human-readable reason.
 */
#ifndef FER_CIMAGECODECS_SHIM_H
#define FER_CIMAGECODECS_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

enum {
    FER_CODEC_OK = 0,
    FER_CODEC_INVALID = 1,   /* the codec rejected the data (not decodable as this format) */
    FER_CODEC_TRUNCATED = 2, /* the data ended before the image was complete */
    FER_CODEC_CORRUPT = 3,   /* valid header, but the compressed image data is damaged */
    FER_CODEC_TOO_LARGE = 4, /* dimensions exceed FER_CODEC_MAX_PIXELS or allocation failed */
};

/* Refuse images over 64 megapixels: a hostile header can claim 65535x65535 and make
 * the decoder allocate gigabytes before any pixel data is checked. */
#define FER_CODEC_MAX_PIXELS (64u * 1024u * 1024u)

static inline void fer_codec_set_error(char *err, size_t errlen, const char *msg) {
    if (err == NULL || errlen == 0) return;
    snprintf(err, errlen, "%s", msg);
}

/* ---------------------------------------------------------------- libjpeg */

struct fer_jpeg_error_mgr {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    /* First warning that means the pixels are wrong (0 if none) and its text. */
    int damage_code;
    char damage_message[JMSG_LENGTH_MAX];
};

static inline void fer_jpeg_error_exit(j_common_ptr cinfo) {
    struct fer_jpeg_error_mgr *mgr = (struct fer_jpeg_error_mgr *)cinfo->err;
    longjmp(mgr->escape, 1);
}

/* libjpeg treats a short or damaged stream as a *warning*: it pads with a fake EOI or
 * zeroed coefficients and carries on, producing grey garbage. For a training set that
 * is silent corruption, so the warnings that imply wrong pixels are recorded here and
 * turned into errors after decoding. Harmless ones (extraneous bytes between markers,
 * unknown JFIF revision, odd ICC/Adobe markers) are ignored. */
static inline void fer_jpeg_emit_message(j_common_ptr cinfo, int msg_level) {
    struct fer_jpeg_error_mgr *mgr = (struct fer_jpeg_error_mgr *)cinfo->err;
    if (msg_level >= 0) return; /* trace messages */
    mgr->base.num_warnings++;
    int code = mgr->base.msg_code;
    int damaging = code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE
        || code == JWRN_MUST_RESYNC || code == JWRN_BOGUS_PROGRESSION || code == JWRN_NOT_SEQUENTIAL;
    if (damaging && mgr->damage_code == 0) {
        mgr->damage_code = code;
        mgr->base.format_message(cinfo, mgr->damage_message);
    }
}

static inline int fer_jpeg_damage_status(const struct fer_jpeg_error_mgr *mgr) {
    if (mgr->damage_code == JWRN_JPEG_EOF || mgr->damage_code == JWRN_HIT_MARKER) return FER_CODEC_TRUNCATED;
    return FER_CODEC_CORRUPT;
}

/* Decodes a JPEG held in memory to 8-bit luma (channels 1) or RGB (channels 3, for drawing
 * on). Colour (YCbCr) files are reduced to luma by libjpeg's JCS_GRAYSCALE output, which keeps
 * the Y channel: BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B, computed on gamma-encoded values
 * by the encoder. */
static inline int fer_decode_jpeg(const unsigned char *data, size_t size, int channels,
                                  unsigned char **out, int *width, int *height,
                                  char *err, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    struct fer_jpeg_error_mgr jerr;
    unsigned char *volatile pixels = NULL;
    *out = NULL;
    memset(&jerr, 0, sizeof jerr);
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = fer_jpeg_error_exit;
    jerr.base.emit_message = fer_jpeg_emit_message;
    if (setjmp(jerr.escape)) {
        char message[JMSG_LENGTH_MAX];
        int status = FER_CODEC_INVALID;
        if (jerr.damage_code != 0) {
            /* A fatal error after a damage warning is a consequence of the damage
             * (typically: the fake EOI inserted at end of data). Report the cause. */
            status = fer_jpeg_damage_status(&jerr);
            fer_codec_set_error(err, errlen, jerr.damage_message);
        } else {
            jerr.base.format_message((j_common_ptr)&cinfo, message);
            fer_codec_set_error(err, errlen, message);
        }
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, (unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((unsigned long long)cinfo.image_width * cinfo.image_height > FER_CODEC_MAX_PIXELS) {
        fer_codec_set_error(err, errlen, "image dimensions too large");
        jpeg_destroy_decompress(&cinfo);
        return FER_CODEC_TOO_LARGE;
    }
    cinfo.out_color_space = channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_start_decompress(&cinfo);
    size_t w = cinfo.output_width, h = cinfo.output_height, stride = w * (size_t)cinfo.output_components;
    pixels = (unsigned char *)malloc(stride * h > 0 ? stride * h : 1);
    if (pixels == NULL) {
        fer_codec_set_error(err, errlen, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        return FER_CODEC_TOO_LARGE;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (jerr.damage_code != 0) {
        fer_codec_set_error(err, errlen, jerr.damage_message);
        free(pixels);
        return fer_jpeg_damage_status(&jerr);
    }
    *out = pixels;
    *width = (int)w;
    *height = (int)h;
    return FER_CODEC_OK;
}

/* Encodes 8-bit pixels (channels 1 = gray, 3 = RGB, row-major, no padding) as a
 * baseline JPEG in memory. Exists so tests can build colour and odd-sized fixtures. */
static inline int fer_encode_jpeg(const unsigned char *pixels, int width, int height, int channels,
                                  int quality, unsigned char **out, size_t *out_size,
                                  char *err, size_t errlen) {
    struct jpeg_compress_struct cinfo;
    struct fer_jpeg_error_mgr jerr;
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
        fer_codec_set_error(err, errlen, "invalid image geometry");
        return FER_CODEC_INVALID;
    }
    memset(&jerr, 0, sizeof jerr);
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = fer_jpeg_error_exit;
    if (setjmp(jerr.escape)) {
        char message[JMSG_LENGTH_MAX];
        jerr.base.format_message((j_common_ptr)&cinfo, message);
        fer_codec_set_error(err, errlen, message);
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return FER_CODEC_INVALID;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)channels);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = (size_t)buffer_size;
    return FER_CODEC_OK;
}

/* ----------------------------------------------------------------- libpng */

/* Decodes a PNG held in memory to 8-bit luma.
 *
 * Colour files are read as 8-bit sRGB and reduced here with the same fixed-point BT.601
 * weights libjpeg uses (19595, 38470, 7471 over 2^16, rounded), rather than with
 * png_image's own GRAY conversion, which uses BT.709 weights on linearised values: a
 * colour face should give the same gray whether it arrived as JPEG or PNG. Alpha is
 * composited onto black. 16-bit files are reduced to 8 bits by libpng with their gamma: a gAMA
 * or sRGB chunk says how the samples are encoded (gAMA 1.0, linear light, is converted to sRGB
 * like the 8-bit training images), and a file with neither is taken as sRGB-encoded, as
 * cameras and editors write them. libpng's simplified API would take such a file as linear
 * light instead (its documented default for 16-bit data), which brightens every mid-tone
 * (a 16-bit 50% gray came out as 186, not 128) and so changes what the network sees. */
static inline int fer_decode_png(const unsigned char *data, size_t size, int channels,
                                 unsigned char **out, int *width, int *height,
                                 char *err, size_t errlen) {
    png_image image;
    *out = NULL;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        fer_codec_set_error(err, errlen, image.message);
        png_image_free(&image);
        return FER_CODEC_INVALID;
    }
    size_t w = image.width, h = image.height;
    if ((unsigned long long)w * h > FER_CODEC_MAX_PIXELS) {
        fer_codec_set_error(err, errlen, "image dimensions too large");
        png_image_free(&image);
        return FER_CODEC_TOO_LARGE;
    }
    /* RGB output (channels 3) expands a gray file; luma output reduces a colour one below. */
    int colour = channels == 3 || (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
    image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    image.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    size_t decoded = colour ? 3 : 1;
    unsigned char *buffer = (unsigned char *)malloc(w * h * decoded > 0 ? w * h * decoded : 1);
    if (buffer == NULL) {
        fer_codec_set_error(err, errlen, "out of memory");
        png_image_free(&image);
        return FER_CODEC_TOO_LARGE;
    }
    png_color black = {0, 0, 0};
    if (!png_image_finish_read(&image, &black, buffer, 0, NULL)) {
        /* The header was valid, so a failure here is damaged image data (bad CRC,
         * bad zlib stream), not a non-PNG. */
        fer_codec_set_error(err, errlen, image.message);
        png_image_free(&image);
        free(buffer);
        return FER_CODEC_CORRUPT;
    }
    if (colour && channels == 1) {
        for (size_t i = 0; i < w * h; i++) {
            unsigned r = buffer[3 * i], g = buffer[3 * i + 1], b = buffer[3 * i + 2];
            buffer[i] = (unsigned char)((19595u * r + 38470u * g + 7471u * b + 32768u) >> 16);
        }
    }
    *out = buffer;
    *width = (int)w;
    *height = (int)h;
    return FER_CODEC_OK;
}

/* Encodes 8-bit pixels (channels 1 = gray, 3 = RGB, row-major, no padding) as PNG in
 * memory. png_image_write_to_memory is called twice: once to size, once to fill. */
static inline int fer_encode_png(const unsigned char *pixels, int width, int height, int channels,
                                 unsigned char **out, size_t *out_size, char *err, size_t errlen) {
    png_image image;
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
        fer_codec_set_error(err, errlen, "invalid image geometry");
        return FER_CODEC_INVALID;
    }
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) {
        fer_codec_set_error(err, errlen, image.message);
        png_image_free(&image);
        return FER_CODEC_INVALID;
    }
    unsigned char *buffer = (unsigned char *)malloc(size > 0 ? size : 1);
    if (buffer == NULL) {
        fer_codec_set_error(err, errlen, "out of memory");
        return FER_CODEC_TOO_LARGE;
    }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
        fer_codec_set_error(err, errlen, image.message);
        png_image_free(&image);
        free(buffer);
        return FER_CODEC_INVALID;
    }
    *out = buffer;
    *out_size = (size_t)size;
    return FER_CODEC_OK;
}

#endif /* FER_CIMAGECODECS_SHIM_H */
