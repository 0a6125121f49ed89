import Mustache

/// The dashboard's Mustache templates, parsed once: the shared layout and one template per page. Each
/// template is a Swift string constant beside its page model (no resources, no build step); every one is
/// parsed with the dashboard's escaping content type, so `{{value}}` is always escaped and only the
/// fragments the pages build themselves go in unescaped with `{{{…}}}`.
enum PageTemplates {
    enum Name: String, CaseIterable {
        case layout, overview, task, sessions, approvals, audit, login
    }

    /// Which link of the header is the current page.
    enum Section: String {
        case overview, approvals, audit, none
    }

    /// What a page listens to on `/events`: nothing, every task, or one task.
    enum Live {
        case off
        case all
        case task(Int64)
    }

    static let library: MustacheLibrary = {
        MustacheContentTypes.register(CompanionHTMLContentType(), named: HTMLText.contentTypeName)
        var library = MustacheLibrary()
        for name in Name.allCases {
            // The templates are constants of this target: one that does not parse is a programming error,
            // and the page tests render every one of them.
            try! library.register("{{% CONTENT_TYPE: \(HTMLText.contentTypeName) }}" + text(name), named: name.rawValue)
        }
        return library
    }()

    private static func text(_ name: Name) -> String {
        switch name {
        case .layout: PageLayout.template
        case .overview: OverviewPage.template
        case .task: TaskPage.template
        case .sessions: SessionsPage.template
        case .approvals: ApprovalsPage.template
        case .audit: AuditPage.template
        case .login: DashboardPages.loginTemplate
        }
    }

    static func render(_ name: Name, _ model: Any) -> String {
        library.render(model, withTemplate: name.rawValue) ?? ""
    }

    /// A whole page: the layout around `body`. `csrf` nil (the login page) leaves out the token and the
    /// navigation.
    static func document(title: String, section: Section, csrf: String?, live: Live, body: String) -> String {
        let liveTask: String?
        let listens: Bool
        switch live {
        case .off: (liveTask, listens) = (nil, false)
        case .all: (liveTask, listens) = (nil, true)
        case .task(let id): (liveTask, listens) = (String(id), true)
        }
        let nav = csrf == nil ? [] : PageLayout.links(current: section)
        let model = PageLayout.Model(
            title: title, csrf: csrf, nav: nav, hasNav: !nav.isEmpty, body: body, live: listens, liveTask: liveTask)
        return render(.layout, model)
    }
}
