/// Called at each step of an export run that the exactly-once argument has to survive a
/// crash at (docs/export.md): `open:<file>` and `synced:<file>` for each batch file,
/// `before-manifest`, `after-manifest`, `after-signature`, `before-rename`, `after-rename`,
/// `before-cursor`, `after-cursor`, and `before-push:<file>` / `after-push:<file>`.
///
/// The crash tests' child (`tools/export-crash-child`) passes one that SIGKILLs the process
/// at a named step; the service and the command line pass none, so production code has no
/// way to be told to stop.
public typealias ExportStepHook = @Sendable (_ step: String) -> Void
