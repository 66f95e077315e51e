// SeerModels: the zoo of docs/MODELS.md — the sequence nets (NT, DiJiang, continued-fraction
// nets, GPT) with their embeddings, RevIN and heads, the linear and naive baselines, and the
// Trainer. It knows tensors and layers, never files, series or tasks: SeerTasks turns data into
// windows and windows into forecasts.
import SeerNN
