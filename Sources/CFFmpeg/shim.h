// FFmpeg (libavformat-dev, libavcodec-dev, libswscale-dev, libavutil-dev) for VideoFile.swift,
// the only Swift file that imports it. The static inline helpers stand in for the macros
// Swift cannot import (AVERROR(...), AVERROR_EOF, av_err2str).
#ifndef INR_CFFMPEG_SHIM_H
#define INR_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/// AVERROR(EAGAIN): the codec wants more input (or output to be drained) first.
static inline int inr_averror_again(void) { return AVERROR(EAGAIN); }

/// AVERROR_EOF: the codec or demuxer has nothing more.
static inline int inr_averror_eof(void) { return AVERROR_EOF; }

/// AVERROR(EINVAL).
static inline int inr_averror_invalid(void) { return AVERROR(EINVAL); }

/// AVERROR(ENOMEM).
static inline int inr_averror_no_memory(void) { return AVERROR(ENOMEM); }

/// FFmpeg's message for `code` into `buffer` (av_err2str without the compound literal).
static inline void inr_error_message(int code, char *buffer, size_t capacity) {
    if (av_strerror(code, buffer, capacity) < 0) {
        snprintf(buffer, capacity, "FFmpeg error %d", code);
    }
}

/// AV_NOPTS_VALUE, which Swift imports only as a macro expression it cannot evaluate.
static inline int64_t inr_no_pts(void) { return AV_NOPTS_VALUE; }

/// Plane `index` of `frame` (AVFrame.data is a fixed array Swift sees as a tuple).
static inline uint8_t *inr_frame_plane(const AVFrame *frame, int index) { return frame->data[index]; }

/// The byte stride of plane `index` of `frame`.
static inline int inr_frame_stride(const AVFrame *frame, int index) { return frame->linesize[index]; }

/// Scales all of `source` into `target` (both allocated, of the context's sizes and formats).
static inline int inr_scale_frame(struct SwsContext *context, const AVFrame *source, AVFrame *target) {
    return sws_scale(context, (const uint8_t *const *)source->data, source->linesize, 0, source->height,
                     target->data, target->linesize);
}

/// The bit depth of the first component of `format`, or 0 for an unknown format.
static inline int inr_pixel_format_depth(enum AVPixelFormat format) {
    const AVPixFmtDescriptor *descriptor = av_pix_fmt_desc_get(format);
    return descriptor ? descriptor->comp[0].depth : 0;
}

/// Stream `index` of `context`.
static inline AVStream *inr_stream(const AVFormatContext *context, unsigned index) {
    return index < context->nb_streams ? context->streams[index] : NULL;
}

/// AV_PKT_FLAG_CORRUPT is set on `packet` (a demuxer read fewer bytes than it announced).
static inline int inr_packet_is_corrupt(const AVPacket *packet) { return (packet->flags & AV_PKT_FLAG_CORRUPT) != 0; }

#endif
