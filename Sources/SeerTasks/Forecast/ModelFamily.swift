// The model families a forecaster can be built from, by the names users type.
import SeerModels

/// Names of the model families Seer will accept wherever a model name is asked for.
public enum ModelFamily: String, CaseIterable, Sendable {
    case nt, dijiang, cofrgenet, gpt, dlinear, rlinear, naive, seasonalNaive = "seasonal-naive"
}
