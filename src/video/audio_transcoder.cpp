#include "video/audio_transcoder.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include <algorithm>

namespace comicgan::video {

AudioTranscoder::AudioTranscoder(const AVStream* in, AVFormatContext* out, AVCodecID encoder_id,
                                 const std::string& label)
    : label_(label), in_time_base_(in->time_base), decoded_(make_frame()) {
  const AVCodec* dec = avcodec_find_decoder(in->codecpar->codec_id);
  check(dec != nullptr, label_, ": no decoder for audio codec ",
        avcodec_get_name(in->codecpar->codec_id), ", so it cannot be re-encoded");
  decoder_.reset(avcodec_alloc_context3(dec));
  check(decoder_ != nullptr, "out of memory opening an audio decoder");
  check_av(avcodec_parameters_to_context(decoder_.get(), in->codecpar), label_,
           ": audio parameters");
  decoder_->pkt_timebase = in->time_base;
  check_av(avcodec_open2(decoder_.get(), dec, nullptr), label_, ": cannot open the audio decoder");

  const AVCodec* enc = avcodec_find_encoder(encoder_id);
  check(enc != nullptr, label_, ": no ", avcodec_get_name(encoder_id),
        " encoder in this FFmpeg to re-encode the audio with");
  encoder_.reset(avcodec_alloc_context3(enc));
  check(encoder_ != nullptr, "out of memory opening an audio encoder");
  int rate = decoder_->sample_rate;
  if (enc->supported_samplerates) {  // the supported rate nearest above (or the highest)
    int best = 0;
    for (const int* r = enc->supported_samplerates; *r; ++r)
      if (best == 0 || (*r >= rate && (best < rate || *r < best)) || (best<rate&& * r> best))
        best = *r;
    rate = best;
  }
  encoder_->sample_rate = rate;
  encoder_->sample_fmt = enc->sample_fmts ? enc->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
  int channels = std::min(decoder_->ch_layout.nb_channels, 2);
  av_channel_layout_default(&encoder_->ch_layout, channels);
  encoder_->bit_rate = 64000 * channels;
  encoder_->time_base = AVRational{1, rate};
  if (out->oformat->flags & AVFMT_GLOBALHEADER) encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check_av(avcodec_open2(encoder_.get(), enc, nullptr), label_, ": cannot open the ", enc->name,
           " encoder");

  out_stream_ = avformat_new_stream(out, nullptr);
  check(out_stream_ != nullptr, "out of memory adding an audio stream");
  check_av(avcodec_parameters_from_context(out_stream_->codecpar, encoder_.get()), label_,
           ": audio stream parameters");
  out_stream_->time_base = encoder_->time_base;
  out_stream_->disposition = in->disposition;
  av_dict_copy(&out_stream_->metadata, in->metadata, 0);

  SwrContext* swr = nullptr;
  int ret = swr_alloc_set_opts2(&swr, &encoder_->ch_layout, encoder_->sample_fmt, rate,
                                &decoder_->ch_layout, decoder_->sample_fmt, decoder_->sample_rate,
                                0, nullptr);
  swr_.reset(swr);  // owned before anything can throw
  check_av(ret, label_, ": cannot set up resampling");
  check_av(swr_init(swr_.get()), label_, ": cannot set up resampling");
  fifo_.reset(av_audio_fifo_alloc(encoder_->sample_fmt, channels, 4096));
  check(fifo_ != nullptr, "out of memory for audio samples");
}

AudioTranscoder::~AudioTranscoder() = default;

const char* AudioTranscoder::encoder_name() const { return encoder_->codec->name; }

void AudioTranscoder::push(const AVPacket* packet, const std::function<void(AVPacket*)>& emit) {
  check_av(avcodec_send_packet(decoder_.get(), packet), label_, ": damaged audio data");
  while (true) {
    int ret = avcodec_receive_frame(decoder_.get(), decoded_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    check_av(ret, label_, ": damaged audio data");
    if (next_pts_ == AV_NOPTS_VALUE) {
      int64_t pts = decoded_->best_effort_timestamp;
      next_pts_ = pts == AV_NOPTS_VALUE
                      ? 0
                      : av_rescale_q(pts, in_time_base_, AVRational{1, encoder_->sample_rate});
    }
    int capacity = swr_get_out_samples(swr_.get(), decoded_->nb_samples);
    check_av(av_audio_fifo_realloc(fifo_.get(), av_audio_fifo_size(fifo_.get()) + capacity), label_,
             ": out of memory for audio samples");
    FramePtr converted = encoder_frame(capacity);
    int got = check_av(
        swr_convert(swr_.get(), converted->data, capacity,
                    const_cast<const uint8_t**>(decoded_->extended_data), decoded_->nb_samples),
        label_, ": resampling failed");
    av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(converted->data), got);
    av_frame_unref(decoded_.get());
  }
  encode_from_fifo(packet == nullptr, emit);
  if (packet == nullptr) drain_encoder(nullptr, emit);
}

FramePtr AudioTranscoder::encoder_frame(int samples) const {
  FramePtr frame = make_frame();
  frame->format = encoder_->sample_fmt;
  frame->sample_rate = encoder_->sample_rate;
  av_channel_layout_copy(&frame->ch_layout, &encoder_->ch_layout);
  frame->nb_samples = samples;
  check_av(av_frame_get_buffer(frame.get(), 0), label_, ": out of memory for audio");
  return frame;
}

void AudioTranscoder::encode_from_fifo(bool flush, const std::function<void(AVPacket*)>& emit) {
  const int frame_size = encoder_->frame_size > 0 ? encoder_->frame_size : 1024;
  while (av_audio_fifo_size(fifo_.get()) >= frame_size ||
         (flush && av_audio_fifo_size(fifo_.get()) > 0)) {
    int n = std::min(frame_size, av_audio_fifo_size(fifo_.get()));
    FramePtr frame = encoder_frame(n);
    av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame->data), n);
    frame->pts = next_pts_;
    next_pts_ += n;
    drain_encoder(frame.get(), emit);
  }
}

void AudioTranscoder::drain_encoder(const AVFrame* frame,
                                    const std::function<void(AVPacket*)>& emit) {
  check_av(avcodec_send_frame(encoder_.get(), frame), label_, ": audio encoding failed");
  PacketPtr packet = make_packet();
  while (true) {
    int ret = avcodec_receive_packet(encoder_.get(), packet.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    check_av(ret, label_, ": audio encoding failed");
    av_packet_rescale_ts(packet.get(), encoder_->time_base, out_stream_->time_base);
    packet->stream_index = out_stream_->index;
    emit(packet.get());
    av_packet_unref(packet.get());
  }
}

}  // namespace comicgan::video
