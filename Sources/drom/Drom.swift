import ArgumentParser

@main
struct Drom: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drom",
    abstract:
      "A federated directory of good practices against discrimination in the labour market.",
    version: DromVersion.current,
    subcommands: [
      Validate.self, Inspect.self, Harvest.self, Search.self, Report.self, Sources.self, Vocab.self,
      Serve.self, Export.self, Import.self, InitPartner.self, Erase.self, Check.self,
    ]
  )
}

enum DromVersion {
  static let current = "0.1.0 (\(Allocator.name))"
}
