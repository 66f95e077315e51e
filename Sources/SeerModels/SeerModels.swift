// SeerModels: the zoo of docs/MODELS.md plus Forecaster, Classifier and Trainer.
// The nets arrive with the training stack; this file fixes the module's place in the graph.
import SeerData
import SeerNN

/// Names of the model families Seer will accept wherever a model name is asked for.
public enum ModelFamily: String, CaseIterable, Sendable {
    case nt, dijiang, cofrgenet, gpt, dlinear, rlinear, naive, seasonalNaive = "seasonal-naive"
}
