import FERCore
import FERData
import FERTrain
import Foundation

/// Scores a model file on a dataset with the Evaluator (the numbers `fer-cl evaluate` gives)
/// and, from the same pass, picks the gallery's examples.
public enum ModelScoring {
    public static func score(model: URL, data: Dataset, describedAs description: String, on backend: Backend,
                             gallery wantsGallery: Bool, batch: Int = 256) throws -> (ScoredModel, Gallery?) {
        let (network, normalization, _) = try ModelFile.open(model, on: backend)
        var evaluator = Evaluator(network: network, normalization: normalization)
        evaluator.batch = batch
        var probabilities = [[Double]](repeating: [], count: wantsGallery ? data.count : 0)
        let evaluation = try evaluator.evaluate(try DeviceDataset(data, on: backend)) { index, logits in
            if wantsGallery { probabilities[index] = Gallery.probabilities(logits: logits) }
        }
        let gallery = wantsGallery ? Gallery(probabilities: probabilities, labels: data.labels, images: data.images) : nil
        return (ScoredModel(model: model.path, data: description, evaluation: evaluation), gallery)
    }
}
