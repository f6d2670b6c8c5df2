// StorageIO, PosixIO and StorageError are the log's API (`Options.io`, its errors) but live
// in DurableStorage, below the log, so the other stores share them; re-exported so code that
// imports only TransparencyLog keeps seeing them.
@_exported import DurableStorage
