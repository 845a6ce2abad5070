"""The local backend's ResNet-style network written in plain PyTorch, layer for layer as ResNet.java builds it with
DJL: a 3x3 stem convolution (stride 2 from 128 pixels up), batch normalization, ReLU, 3x3/2 max pool; stages of basic
residual blocks (3x3 conv-BN-ReLU-3x3 conv-BN plus an identity or 1x1 conv-BN shortcut, then ReLU) whose width doubles
and resolution halves; global average pooling; one linear layer. Used by train_bench.py."""
import torch.nn as nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, eps):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout, eps=eps), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout, eps=eps))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout, eps=eps))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.main(x) + self.shortcut(x))


def resnet(blocks_per_stage, width, classes, image_size, eps=1e-5):
    layers = [nn.Conv2d(3, width, 3, 2 if image_size >= 128 else 1, 1, bias=False), nn.BatchNorm2d(width, eps=eps),
              nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = width
    for stage, blocks in enumerate(blocks_per_stage):
        cout = width << stage
        for i in range(blocks):
            layers.append(BasicBlock(cin, cout, 2 if stage > 0 and i == 0 else 1, eps))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
    return net
