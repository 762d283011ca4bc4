#include "cpng.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    jmp_buf jump;
    char *message;
    // Set when this file wrote the message itself (a limit, not libpng's complaint).
    volatile int own_message;
    // errno when libpng reported the error (a failed fread or fwrite), before unwinding.
    volatile int saved_errno;
} inr_png_error_context;

// libpng calls this on a fatal error; it must not return.
static void inr_png_on_error(png_structp png, png_const_charp text) {
    inr_png_error_context *context = (inr_png_error_context *)png_get_error_ptr(png);
    context->saved_errno = errno;
    snprintf(context->message, INR_PNG_MESSAGE_CAPACITY, "%s", text);
    longjmp(context->jump, 1);
}

// Warnings (a bad CRC in an ancillary chunk, say) do not change the samples: stay quiet.
static void inr_png_on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

// Reads a PNG from `file` (the signature not yet read), `size` bytes long (for messages); the
// caller closes the file.
static int inr_png_read_stream(FILE *file, long long size, uint64_t max_samples, uint64_t max_pixels, inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]);

int inr_png_read(const char *path, uint64_t max_samples, uint64_t max_pixels, inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]) {
    memset(image, 0, sizeof(*image));
    message[0] = 0;
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot open the file: %s", strerror(errno));
        return -1;
    }
    struct stat status = {0};
    if (fstat(fileno(file), &status) == 0 && S_ISDIR(status.st_mode)) {
        fclose(file);
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "is a folder, not a PNG file");
        return -1;
    }
    const int result = inr_png_read_stream(file, (long long)status.st_size, max_samples, max_pixels, image, message);
    fclose(file);
    return result;
}

int inr_png_read_memory(const void *bytes, size_t size, uint64_t max_samples, uint64_t max_pixels, inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]) {
    memset(image, 0, sizeof(*image));
    message[0] = 0;
    if (size == 0) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "the PNG stream is empty");
        return -1;
    }
    FILE *file = fmemopen((void *)bytes, size, "rb");
    if (!file) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot read the PNG stream: %s", strerror(errno));
        return -1;
    }
    const int result = inr_png_read_stream(file, (long long)size, max_samples, max_pixels, image, message);
    fclose(file);
    return result;
}

static int inr_png_read_stream(FILE *file, long long size, uint64_t max_samples, uint64_t max_pixels, inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]) {
    unsigned char signature[8];
    const size_t signature_bytes = fread(signature, 1, 8, file);
    if (signature_bytes != 8 || png_sig_cmp(signature, 0, 8) != 0) {
        if (ferror(file)) {
            snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot read the file: %s", strerror(errno));
        } else if (signature_bytes == 0) {
            snprintf(message, INR_PNG_MESSAGE_CAPACITY, "the file is empty (0 bytes), not a PNG file");
        } else {
            snprintf(message, INR_PNG_MESSAGE_CAPACITY, "not a PNG file (it does not start with the PNG signature)");
        }
        return -1;
    }
    inr_png_error_context context;
    context.message = message;
    context.own_message = 0;
    context.saved_errno = 0;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, inr_png_on_error, inr_png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "out of memory");
        return -1;
    }
    // Written after setjmp and read after a longjmp: volatile.
    unsigned char *volatile samples = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(context.jump)) {
        // libpng's "Read Error" is a short read: say what happened to the file.
        if (context.own_message) {
            // A limit this file checked: its message stands.
        } else if (feof(file)) {
            snprintf(message, INR_PNG_MESSAGE_CAPACITY, "truncated PNG: the file (%lld bytes) ends before its image data does",
                     size);
        } else if (ferror(file)) {
            snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot read the file: %s", strerror(context.saved_errno));
        } else {
            char text[INR_PNG_MESSAGE_CAPACITY];
            snprintf(text, sizeof text, "%s", message);
            snprintf(message, INR_PNG_MESSAGE_CAPACITY, "damaged PNG (%s)", text);
        }
        free(rows);
        free(samples);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_init_io(png, file);
    png_set_sig_bytes(png, 8);
    png_set_user_limits(png, 1u << 20, 1u << 20);
    png_set_chunk_malloc_max(png, 64u << 20);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
        if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    } else if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    if (bit_depth == 16) {
        const int one = 1;
        if (*(const char *)&one == 1) png_set_swap(png);  // PNG is big-endian; hand out host order
    }
    if (interlace != PNG_INTERLACE_NONE) png_set_interlace_handling(png);
    png_read_update_info(png, info);

    const uint32_t channels = png_get_channels(png, info);
    const uint32_t depth = png_get_bit_depth(png, info);
    const size_t row_bytes = png_get_rowbytes(png, info);
    const uint64_t sample_count = (uint64_t)width * height * channels;
    if ((uint64_t)width * height > max_pixels) {
        // The caller words this one: it knows whose limit it is.
        image->width = width;
        image->height = height;
        png_destroy_read_struct(&png, &info, NULL);
        return -2;
    }
    if (sample_count > max_samples) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "a %ux%u image with %u channels has %llu samples, above the reader's limit of %llu (raise it with INR_READ_MAX_SAMPLES)",
                 (unsigned)width, (unsigned)height, (unsigned)channels, (unsigned long long)sample_count, (unsigned long long)max_samples);
        context.own_message = 1;
        longjmp(context.jump, 1);
    }
    if ((depth != 8 && depth != 16) || row_bytes != (size_t)width * channels * (depth / 8)) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "unsupported PNG layout (%u-bit, %u channels)", depth, channels);
        context.own_message = 1;
        longjmp(context.jump, 1);
    }
    samples = malloc(row_bytes * height > 0 ? row_bytes * height : 1);
    rows = malloc(sizeof(png_bytep) * (height > 0 ? height : 1));
    if (!samples || !rows) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "out of memory");
        context.own_message = 1;
        longjmp(context.jump, 1);
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = samples + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    image->width = width;
    image->height = height;
    image->channels = channels;
    image->bit_depth = depth;
    image->samples = samples;
    return 0;
}

// Writes `image` to `file` at zlib `level` (-1: libpng's default) and closes it.
static int inr_png_write_stream(FILE *file, const inr_png_image *image, int level, char message[INR_PNG_MESSAGE_CAPACITY]) {
    static const int color_types[5] = {-1, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    inr_png_error_context context;
    context.message = message;
    context.own_message = 0;
    context.saved_errno = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, inr_png_on_error, inr_png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        fclose(file);
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "out of memory");
        return -1;
    }
    png_bytep *volatile rows = NULL;
    if (setjmp(context.jump)) {
        // libpng's "Write Error" is a failed fwrite: give the system's reason.
        if (ferror(file)) snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot write: %s", strerror(context.saved_errno));
        free(rows);
        png_destroy_write_struct(&png, &info);
        fclose(file);
        return -1;
    }
    png_init_io(png, file);
    if (level >= 0) png_set_compression_level(png, level);
    png_set_IHDR(png, info, image->width, image->height, (int)image->bit_depth, color_types[image->channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (image->bit_depth == 16) {
        const int one = 1;
        if (*(const char *)&one == 1) png_set_swap(png);
    }
    const size_t row_bytes = (size_t)image->width * image->channels * (image->bit_depth / 8);
    rows = malloc(sizeof(png_bytep) * (image->height > 0 ? image->height : 1));
    if (!rows) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "out of memory");
        longjmp(context.jump, 1);
    }
    for (uint32_t y = 0; y < image->height; y++) rows[y] = (png_bytep)image->samples + (size_t)y * row_bytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    if (fflush(file) != 0 || ferror(file)) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot write: %s", strerror(errno));
        fclose(file);
        return -1;
    }
    if (fclose(file) != 0) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int inr_png_check_layout(const inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]) {
    if (image->channels < 1 || image->channels > 4 || (image->bit_depth != 8 && image->bit_depth != 16)) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot write %u channels at %u bits", image->channels, image->bit_depth);
        return -1;
    }
    return 0;
}

int inr_png_write(const char *path, const inr_png_image *image, char message[INR_PNG_MESSAGE_CAPACITY]) {
    message[0] = 0;
    if (inr_png_check_layout(image, message) != 0) return -1;
    // Standard output is written on its descriptor: never reopened, never truncated.
    const int to_stdout = strcmp(path, "/dev/stdout") == 0 || strcmp(path, "/dev/fd/1") == 0 || strcmp(path, "/proc/self/fd/1") == 0;
    FILE *file = to_stdout ? fdopen(dup(1), "wb") : fopen(path, "wb");
    if (!file) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "cannot create the file: %s", strerror(errno));
        return -1;
    }
    return inr_png_write_stream(file, image, -1, message);
}

int inr_png_write_memory(const inr_png_image *image, int level, unsigned char **bytes, size_t *size, char message[INR_PNG_MESSAGE_CAPACITY]) {
    message[0] = 0;
    *bytes = NULL;
    *size = 0;
    if (inr_png_check_layout(image, message) != 0) return -1;
    char *buffer = NULL;
    size_t length = 0;
    FILE *file = open_memstream(&buffer, &length);
    if (!file) {
        snprintf(message, INR_PNG_MESSAGE_CAPACITY, "out of memory");
        return -1;
    }
    // open_memstream's buffer and length are valid after fclose, which the writer does.
    if (inr_png_write_stream(file, image, level, message) != 0) {
        free(buffer);
        return -1;
    }
    *bytes = (unsigned char *)buffer;
    *size = length;
    return 0;
}

void inr_png_free_bytes(unsigned char *bytes) {
    free(bytes);
}

void inr_png_free(inr_png_image *image) {
    free(image->samples);
    image->samples = NULL;
}
