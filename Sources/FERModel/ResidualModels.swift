/// Residual networks as descriptions, named as the natural PyTorch modules name their
/// tensors (kuangliu/pytorch-cifar's ResNet: conv1, bn1, layerS.B.conv1/bn1/conv2/bn2,
/// layerS.B.shortcut.0 (1x1 conv) and .1 (batch norm), then a linear head).
enum ResidualModels {
    /// ResNet-18 for 48x48 inputs: 3x3 stem (64 filters, no stem pooling), four stages of two
    /// basic blocks (64, 128, 256, 512 filters; strides 1, 2, 2, 2), projection shortcuts
    /// where the shape changes, convolutions without biases, global average pooling, one
    /// dense layer "linear".
    static func resnet18(name: String, input: [Int], classes: Int) -> ModelDescription {
        var nodes = stem(width: 64, pool: false)
        var width = 64
        for (stage, (planes, stride)) in zip([64, 128, 256, 512], [1, 2, 2, 2]).enumerated() {
            for block in 0..<2 {
                nodes += basicBlock(prefix: "layer\(stage + 1).\(block)", inputName: nodes.last!.name, inWidth: width, planes: planes,
                                    stride: block == 0 ? stride : 1, squeezeReduction: nil)
                width = planes
            }
        }
        nodes += [NodeDescription(name: "avgpool", op: .globalAvgPool), NodeDescription(name: "linear", op: .dense, outFeatures: classes)]
        return ModelDescription(name: name, input: input, nodes: nodes)
    }

    /// A residual network with squeeze-and-excitation sized for the one-hour CPU recipe: a 3x3
    /// stem of 64 filters and a 2x2 max-pool (48 -> 24), then one SE basic block per stage (64,
    /// 128, 256, 512 filters at 24, 12, 6, 3 pixels), SE reduction 16, global average pooling,
    /// dropout 0.2 and one dense layer. Stages 2-4 downsample with a 2x2 max-pool before the
    /// block ("layerS.pool") instead of stride-2 convolutions, whose backward-data pass has no
    /// fast kernel yet (0.9 s of a 4.2 s step at batch 64 with them); their convolutions then
    /// do 1.1x the seed network's work (0.286 against 0.262 GFLOP per image, `fer-cl models`).
    /// `squeezeReduction` nil leaves the SE branches out (`resnet-fer`).
    static func seResNet(name: String, input: [Int], classes: Int, squeezeReduction: Int?) -> ModelDescription {
        var nodes = stem(width: 64, pool: true)
        var width = 64
        for (stage, planes) in [64, 128, 256, 512].enumerated() {
            if stage > 0 { nodes.append(NodeDescription(name: "layer\(stage + 1).pool", op: .maxpool)) }
            nodes += basicBlock(prefix: "layer\(stage + 1).0", inputName: nodes.last!.name, inWidth: width, planes: planes,
                                stride: 1, squeezeReduction: squeezeReduction)
            width = planes
        }
        nodes += [NodeDescription(name: "avgpool", op: .globalAvgPool), NodeDescription(name: "dropout", op: .dropout, rate: 0.2),
                  NodeDescription(name: "linear", op: .dense, outFeatures: classes)]
        return ModelDescription(name: name, input: input, nodes: nodes)
    }

    static func stem(width: Int, pool: Bool) -> [NodeDescription] {
        [NodeDescription(name: "conv1", op: .conv2d, outChannels: width, bias: false),
         NodeDescription(name: "bn1", op: .batchnorm),
         NodeDescription(name: "relu", op: .relu)] + (pool ? [NodeDescription(name: "maxpool", op: .maxpool)] : [])
    }

    /// conv3x3(stride) -> bn -> relu -> conv3x3 -> bn [-> SE] (+ shortcut) -> relu. The shortcut
    /// is the block input, or a 1x1 conv (stride) and batch norm where the shape changes. SE:
    /// global average pool -> dense C/r -> relu -> dense C -> sigmoid, scaling the channels.
    static func basicBlock(prefix p: String, inputName: String, inWidth: Int, planes: Int, stride: Int,
                           squeezeReduction: Int?) -> [NodeDescription] {
        var nodes = [NodeDescription(name: "\(p).conv1", op: .conv2d, inputs: [inputName], outChannels: planes, stride: stride, bias: false),
                     NodeDescription(name: "\(p).bn1", op: .batchnorm),
                     NodeDescription(name: "\(p).relu1", op: .relu),
                     NodeDescription(name: "\(p).conv2", op: .conv2d, outChannels: planes, bias: false),
                     NodeDescription(name: "\(p).bn2", op: .batchnorm)]
        var residual = "\(p).bn2"
        if let reduction = squeezeReduction {
            nodes += [NodeDescription(name: "\(p).se.pool", op: .globalAvgPool),
                      NodeDescription(name: "\(p).se.fc1", op: .dense, outFeatures: max(planes / reduction, 1)),
                      NodeDescription(name: "\(p).se.relu", op: .relu),
                      NodeDescription(name: "\(p).se.fc2", op: .dense, outFeatures: planes),
                      NodeDescription(name: "\(p).se.sigmoid", op: .sigmoid),
                      NodeDescription(name: "\(p).se.scale", op: .channelScale, inputs: [residual, "\(p).se.sigmoid"])]
            residual = "\(p).se.scale"
        }
        var shortcut = inputName
        if stride != 1 || inWidth != planes {
            nodes += [NodeDescription(name: "\(p).shortcut.0", op: .conv2d, inputs: [inputName], outChannels: planes, kernel: 1,
                                      stride: stride, padding: 0, bias: false),
                      NodeDescription(name: "\(p).shortcut.1", op: .batchnorm)]
            shortcut = "\(p).shortcut.1"
        }
        nodes += [NodeDescription(name: "\(p).add", op: .add, inputs: [residual, shortcut]),
                  NodeDescription(name: "\(p).relu2", op: .relu)]
        return nodes
    }
}
