#!/usr/bin/python3
"""The training step comicgan's trainer runs (G + D + VGG forward/backward, Adam on both), in
PyTorch from Python, for bench/RESULTS.md. Same networks (AnimeGANv2 generator, PatchGAN
discriminator with spectral norm, the shipped VGG19-relu3_1), same losses, same batch.

Run as the benchmark does (best Python configuration measured here):
  GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967296 \
    /usr/bin/python3 bench/train_step_pytorch.py --threads 2 --size 256 --batch 4 --steps 3
"""
import argparse
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def reflect(x, pad):
    """Reflection padding from slices: 1.13's reflection_pad2d refuses bf16."""
    l, r, t, b = pad
    if l or r:
        x = torch.cat([x[..., 1:l + 1].flip(3), x, x[..., -r - 1:-1].flip(3)], 3)
    if t or b:
        x = torch.cat([x[..., 1:t + 1, :].flip(2), x, x[..., -b - 1:-1, :].flip(2)], 2)
    return x


class ReflectionPad(nn.Module):
    def __init__(self, pad):
        super().__init__()
        self.pad = pad

    def forward(self, x):
        if x.dtype == torch.bfloat16:
            return reflect(x, self.pad)
        return F.pad(x, self.pad, mode="reflect")


class ConvNormLReLU(nn.Sequential):
    def __init__(self, cin, cout, k=3, s=1, pad=(1, 1, 1, 1), groups=1, bias=False):
        super().__init__(ReflectionPad(pad), nn.Conv2d(cin, cout, k, s, 0, groups=groups, bias=bias),
                         nn.GroupNorm(1, cout), nn.LeakyReLU(0.2))


class InvRes(nn.Module):
    def __init__(self, cin, cout, ratio=2):
        super().__init__()
        b = round(cin * ratio)
        self.res = cin == cout
        self.layers = nn.Sequential(ConvNormLReLU(cin, b, 1, pad=(0, 0, 0, 0)),
                                    ConvNormLReLU(b, b, groups=b, bias=True),
                                    nn.Conv2d(b, cout, 1, bias=False), nn.GroupNorm(1, cout))

    def forward(self, x):
        y = self.layers(x)
        return x + y if self.res else y


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        d = (0, 1, 0, 1)
        self.a = nn.Sequential(ConvNormLReLU(3, 32, 7, pad=(3, 3, 3, 3)), ConvNormLReLU(32, 64, s=2, pad=d),
                               ConvNormLReLU(64, 64))
        self.b = nn.Sequential(ConvNormLReLU(64, 128, s=2, pad=d), ConvNormLReLU(128, 128))
        self.c = nn.Sequential(ConvNormLReLU(128, 128), InvRes(128, 256), InvRes(256, 256), InvRes(256, 256),
                               InvRes(256, 256), ConvNormLReLU(256, 128))
        self.d = nn.Sequential(ConvNormLReLU(128, 128), ConvNormLReLU(128, 128))
        self.e = nn.Sequential(ConvNormLReLU(128, 64), ConvNormLReLU(64, 64), ConvNormLReLU(64, 32, 7, pad=(3, 3, 3, 3)))
        self.out = nn.Sequential(nn.Conv2d(32, 3, 1, bias=False), nn.Tanh())

    def forward(self, x):
        y = self.a(x)
        half = y.shape[-2:]
        y = self.c(self.b(y))
        y = self.d(F.interpolate(y, half, mode="bilinear", align_corners=True))
        y = self.e(F.interpolate(y, x.shape[-2:], mode="bilinear", align_corners=True))
        return self.out(y)


class Discriminator(nn.Module):
    def __init__(self, ch=64, n_dis=3):
        super().__init__()
        sn = nn.utils.spectral_norm
        layers, c = [], ch // 2
        layers += [nn.ZeroPad2d(1), sn(nn.Conv2d(3, c, 3, bias=False)), nn.LeakyReLU(0.2)]
        cin = c
        for _ in range(1, n_dis):
            layers += [nn.ZeroPad2d((1, 0, 1, 0)), sn(nn.Conv2d(cin, c * 2, 3, 2, bias=False)), nn.LeakyReLU(0.2),
                       nn.ZeroPad2d(1), sn(nn.Conv2d(c * 2, c * 4, 3, bias=False)), nn.GroupNorm(1, c * 4),
                       nn.LeakyReLU(0.2)]
            cin, c = c * 4, c * 2
        layers += [nn.ZeroPad2d(1), sn(nn.Conv2d(cin, c * 2, 3, bias=False)), nn.GroupNorm(1, c * 2), nn.LeakyReLU(0.2),
                   nn.ZeroPad2d(1), sn(nn.Conv2d(c * 2, 1, 3, bias=False))]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        self.sd = torch.load(os.path.join(ROOT, "models", "vgg19-relu3_1", "vgg19_relu3_1.pt"))

    def forward(self, img):
        sd = self.sd
        x = F.conv2d((img + 1) / 2, sd["conv1.weight"], sd["conv1.bias"])
        for i, pool in ((2, False), (3, True), (4, False), (5, True), (6, False)):
            padded = reflect(x, (1, 1, 1, 1)) if x.dtype == torch.bfloat16 else F.pad(x, (1, 1, 1, 1), mode="reflect")
            x = F.relu(F.conv2d(padded, sd["conv%d.weight" % i], sd["conv%d.bias" % i]))
            if pool:
                x = F.max_pool2d(x, 2, 2)
        return x


def gram(x):
    n, c, h, w = x.shape
    f = x.reshape(n, c, h * w)
    return torch.bmm(f, f.transpose(1, 2)) / (c * h * w)


YUV = torch.tensor([[0.299, 0.587, 0.114], [-0.14714119, -0.28886916, 0.43601035],
                    [0.61497538, -0.51496512, -0.10001026]])


def color_loss(a, b):
    a = torch.einsum("oc,nchw->nohw", YUV, (a + 1) / 2)
    b = torch.einsum("oc,nchw->nohw", YUV, (b + 1) / 2)
    return (a[:, 0] - b[:, 0]).abs().mean() + F.smooth_l1_loss(a[:, 1], b[:, 1]) + F.smooth_l1_loss(a[:, 2], b[:, 2])


def tv_loss(x):
    return ((x[:, :, :-1] - x[:, :, 1:]) ** 2).mean() / 2 + ((x[:, :, :, :-1] - x[:, :, :, 1:]) ** 2).mean() / 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: networks, data and gradients in bf16, losses in fp32 (a ceiling: no fp32 master weights)")
    ap.add_argument("--channels-last", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    g, d, vgg = Generator(), Discriminator(), Vgg()
    dtype = torch.bfloat16 if args.precision == "bf16" else torch.float32
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    g, d = g.to(dtype=dtype, memory_format=fmt), d.to(dtype=dtype, memory_format=fmt)
    vgg.sd = {k: v.to(dtype).contiguous(memory_format=fmt) if v.dim() == 4 else v.to(dtype) for k, v in vgg.sd.items()}
    opt_g = torch.optim.Adam(g.parameters(), 2e-5, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 4e-5, betas=(0.5, 0.999))
    n, s = args.batch, args.size
    photo, style = torch.rand(n, 3, s, s) * 2 - 1, torch.rand(n, 3, s, s) * 2 - 1
    gray, smooth = style.mean(1, keepdim=True).repeat(1, 3, 1, 1), F.avg_pool2d(style, 5, 1, 2)
    photo, style, gray, smooth = (t.to(dtype).contiguous(memory_format=fmt) for t in (photo, style, gray, smooth))
    times = []
    for step in range(args.steps + 1):
        t0 = time.perf_counter()
        fake = g(photo)
        logits = d(torch.cat([style, fake.detach(), gray, smooth])).float().split(n)
        d_loss = 300 * (1.7 * ((logits[0] - 1) ** 2).mean() + 1.7 * (logits[1] ** 2).mean() +
                        1.7 * (logits[2] ** 2).mean() + (logits[3] ** 2).mean())
        opt_d.zero_grad()
        d_loss.backward()
        torch.nn.utils.clip_grad_norm_(d.parameters(), 10.0)
        opt_d.step()
        d.eval()
        for p in d.parameters():
            p.requires_grad_(False)
        with torch.no_grad():
            pf, gf = vgg(torch.cat([photo, gray])).float().chunk(2)
        ff = vgg(fake).float()
        photo32, fake32 = photo.float(), fake.float()
        g_loss = (300 * ((d(fake).float() - 1) ** 2).mean() + 1.5 * (pf - ff).abs().mean() +
                  2.5 * (gram(gf) - gram(ff)).abs().mean() + 10 * color_loss(photo32, fake32) + tv_loss(fake32))
        opt_g.zero_grad()
        g_loss.backward()
        for p in d.parameters():
            p.requires_grad_(True)
        d.train()
        torch.nn.utils.clip_grad_norm_(g.parameters(), 10.0)
        opt_g.step()
        if step > 0:  # the first step pays one-time allocations
            times.append(time.perf_counter() - t0)
    print("pytorch %s %s%s threads=%d size=%d batch=%d: median %.3f s/step over %d steps" %
          (torch.__version__, args.precision, " channels_last" if args.channels_last else "", args.threads, s, n, statistics.median(times), len(times)))


if __name__ == "__main__":
    main()
