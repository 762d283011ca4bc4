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

/// Writes `image` to `path` (which the caller later renames into place). Returns 0, or -1 with
/// `message` set.
int inr_png_write(const char *path, const inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]);

/// Frees the samples of an image `inr_png_read` returned.
void inr_png_free(inr_png_image *image);

#endif
