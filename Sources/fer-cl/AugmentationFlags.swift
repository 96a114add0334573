/// The augmentation options shared by `train` and `inspect --grid`, declared and parsed once.
struct AugmentationFlags {
    var flip: Float = 0
    var rotate: Float = 0
    var scale: Float = 0
    var translate: Float = 0
    var cropPadding = 0
    var erase: Float = 0

    /// Option declarations whose help shows these values as the defaults.
    func options(_ context: String) -> [OptionSpec] {
        [.value("flip", "P", "\(context): horizontal flip probability (default \(flip))."),
         .value("rotate", "DEG", "\(context): random rotation in +-DEG degrees (default \(rotate))."),
         .value("scale", "F", "\(context): random zoom in [1-F, 1+F] (default \(scale))."),
         .value("translate", "PX", "\(context): random shift in +-PX pixels (default \(translate))."),
         .value("crop-padding", "PX", "\(context): random crop from the image padded by PX (default \(cropPadding))."),
         .value("erase", "P", "\(context): random erasing probability, a rectangle of 4-36% of the image set to 0 (default \(erase)).")]
    }

    /// These values overridden by whatever the command line gives.
    func parsed(_ arguments: ParsedArguments) throws -> AugmentationFlags {
        AugmentationFlags(flip: try arguments.float("flip", default: flip), rotate: try arguments.float("rotate", default: rotate),
                          scale: try arguments.float("scale", default: scale),
                          translate: try arguments.float("translate", default: translate),
                          cropPadding: try arguments.int("crop-padding", default: cropPadding, range: 0...24),
                          erase: try arguments.float("erase", default: erase))
    }
}
