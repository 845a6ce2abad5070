"""PyTorch's own training throughput on the local backend's architecture: the peer of TrainingBenchmark.java.

Same network (torch_resnet.py mirrors ResNet.java), image size, width, batch, thread count, loss (cross-entropy),
optimizer (Adam with L2 weight decay 1e-4, cosine learning-rate decay), random inputs, warm-up then measured steps.
Prints one line: RESULT torch images_per_s=<n> peak_rss_mib=<n> ...

usage: python3 train_bench.py ARCH SIZE WIDTH BATCH THREADS WARMUP STEPS
"""
import math
import resource
import sys
import time

import torch

from torch_resnet import resnet

BLOCKS = {"resnet8": [1, 1, 1], "resnet14": [2, 2, 2], "resnet20": [3, 3, 3]}


def main(argv):
    arch, size, width, batch, threads, warmup, steps = (argv + ["resnet14", "64", "16", "32", "2", "10", "40"][len(argv):])[:7]
    size, width, batch, threads, warmup, steps = map(int, (size, width, batch, threads, warmup, steps))
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    classes = 3
    net = resnet(BLOCKS[arch], width, classes, size)
    net.train()
    lr = 0.005
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=1e-4)
    total = warmup + steps
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (0.01 + 0.99 * (1 + math.cos(math.pi * min(s, total) / total)) / 2))
    loss_fn = torch.nn.CrossEntropyLoss()
    inputs = [torch.randn(batch, 3, size, size) for _ in range(4)]
    labels = [torch.randint(0, classes, (batch,)) for _ in range(4)]

    def step(i):
        out = net(inputs[i % 4])
        loss = loss_fn(out, labels[i % 4])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        correct = (out.argmax(1) == labels[i % 4]).sum().item()  # the Java step reads these back too
        return loss.item(), correct

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    loss = 0.0
    for i in range(steps):
        loss, _ = step(i)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("RESULT torch images_per_s=%.1f peak_rss_mib=%.0f arch=%s size=%d width=%d batch=%d threads=%d steps=%d "
          "last_loss=%.4f torch=%s" % (steps * batch / seconds, peak, arch, size, width, batch, threads, steps, loss,
                                       torch.__version__))


if __name__ == "__main__":
    main(sys.argv[1:])
