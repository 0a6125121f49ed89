import CompanionCore

enum ConfigLoaderDefaults {
    static var path: String { ConfigLoader.defaultConfigPath }
}
