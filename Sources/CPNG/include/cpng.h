// CPNG: the only C code between inr and libpng.
//
// libpng reports errors by longjmp; these two functions own the setjmp and turn every failure
// into a return code and a message, so Swift never sees a jump. Samples are read and written
// exactly as stored: no gamma, no colour conversion, 16-bit samples in host byte order.
#ifndef INR_CPNG_H
#define INR_CPNG_H

#include <stddef.h>
#include <stdint.h>

#define INR_PNG_MESSAGE_CAPACITY 256

typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t channels;   // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    uint32_t bit_depth;  // 8 or 16
    void *samples;       // height * width * channels samples, row-major, interleaved
} inr_png_image;

/// Reads `path`. Palette images become RGB (RGBA with a tRNS chunk) and gray below 8 bits
/// becomes 8-bit gray; everything else is returned as stored. Refuses images of more than
/// `max_samples` samples before allocating them. Returns 0, or -1 with `message` set, or -2
/// (with `image`'s width and height set, nothing to free) for more than `max_pixels` pixels.
int inr_png_read(const char *path, uint64_t max_samples, uint64_t max_pixels, inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]);

/// Reads a PNG stream held in memory (`size` bytes at `bytes`), as `inr_png_read` reads a file.
int inr_png_read_memory(const void *bytes, size_t size, uint64_t max_samples, uint64_t max_pixels, inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]);

/// Writes `image` to `path` (which the caller later renames into place). Returns 0, or -1 with
/// `message` set.
int inr_png_write(const char *path, const inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]);

/// Encodes `image` as a PNG stream in memory at zlib compression `level` (0–9; -1 libpng's
/// default), with libpng's default adaptive row filters. Returns 0 with `bytes` (free it with
/// `inr_png_free_bytes`) and `size` set, or -1 with `message` set.
int inr_png_write_memory(const inr_png_image *image, int level, unsigned char **bytes, size_t *size, char message[INR_PNG_MESSAGE_CAPACITY]);

/// Frees the bytes of `inr_png_write_memory`.
void inr_png_free_bytes(unsigned char *bytes);

/// Frees the samples of an image `inr_png_read` returned.
void inr_png_free(inr_png_image *image);

#endif
