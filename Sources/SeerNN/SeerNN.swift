// SeerNN: parameters, layers, losses, optimisers, schedules and checkpoints (ARCHITECTURE.md).
// The layers arrive with the tensor core; this file fixes the module's place in the graph.
import SeerTensor

/// Version of Seer's model-file format written by this build (config.json `format_version`).
public let modelFormatVersion = 1
