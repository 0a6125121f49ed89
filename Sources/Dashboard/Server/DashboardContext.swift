import Hummingbird

/// What a request carries through the dashboard's router besides itself: the session it belongs to
/// (set by `RequestGuard`, nil without a login) and, for a form post, the fields the guard already read.
struct DashboardContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var session: DashboardSession?
    var form: FormFields = FormFields()

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }

    /// A prompt is text: a megabyte is plenty.
    var maxUploadSize: Int { 1 << 20 }
}
