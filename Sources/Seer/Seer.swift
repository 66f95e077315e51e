// The umbrella module: `import Seer` gives a library user the whole public API.
@_exported import SeerBase
@_exported import SeerData
@_exported import SeerEval
@_exported import SeerModels
@_exported import SeerNN
@_exported import SeerRegistry
@_exported import SeerTasks
@_exported import SeerTensor
