// Which way imports may point (DESIGN.md, "Layout"). Checked by test/architecture/dependencies.test.ts
// in `npm test`; `npx depcruise src dialogs` prints the same report. Paths are relative to the
// repository root (or to the fixture's root in that test, which lays out the same folders).

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing-outward',
      comment:
        'The domain is the core every entry point (channels, queues, API, bot, voice, agents, campaigns) builds on: it takes settings and messages as plain values, so it never depends on how they arrive.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src|dialogs|test|bench)/', pathNot: '^src/(domain|lib|db|generated)/' },
    },
    {
      name: 'production-code-never-imports-tests',
      comment: 'Test stand-ins and bench harnesses are not shipped: product code that needs one has a stand-in in src/sandbox or a port in the domain.',
      severity: 'error',
      from: { path: '^(src|dialogs)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'only-the-cli-imports-the-app',
      comment:
        'src/app wires everything together (config, service start-up): a module that imports it depends on the whole product and on process.env. Only the command-line entry points start it.',
      severity: 'error',
      from: { path: '^(src|dialogs)/', pathNot: '^src/(app|cli)/' },
      to: { path: '^src/app/', pathNot: '^src/app/config/' },
    },
    {
      name: 'only-the-app-loads-settings',
      comment:
        'An adapter (a channel, the network client, the queues) may name the type of its own area of settings, inferred in src/app/config; only the app and the command line load the configuration from process.env and hand the values down.',
      severity: 'error',
      from: { path: '^(src|dialogs)/', pathNot: '^src/(app|cli)/' },
      to: { path: '^src/app/config/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'dialogs-see-only-services-and-domain-values',
      comment:
        'Dialogs are conversation logic: they reach the product through BotServices, so a dialog runs the same on every channel and in a test with a fake of the services.',
      severity: 'error',
      from: { path: '^dialogs/' },
      to: { path: '^src/(channels|queues|http|gateway|db|sandbox|app)/' },
    },
    {
      name: 'background-work-never-imports-http',
      comment: 'Queues and the gateway run without a web server (worker role, voice): the HTTP layer calls them, never the other way.',
      severity: 'error',
      from: { path: '^src/(queues|gateway)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'lib-is-self-contained',
      comment:
        'src/lib holds generic utilities (errors, logging, text, database client types): anything can use them because they know nothing of the product. The generated Prisma client counts as a package.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^(src|dialogs|test|bench)/', pathNot: '^src/(lib|generated)/' },
    },
    {
      name: 'sandbox-only-from-app-cli-and-tests',
      comment:
        'The sandbox stands in for Twilio when no account is configured: the app decides to start it; nothing else may come to depend on a stand-in.',
      severity: 'error',
      from: { path: '^(src|dialogs)/', pathNot: '^src/(app|cli|sandbox)/' },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'Folders depend on each other one way only (a process folder on another, never back), so each can be read, tested and changed from the bottom up; a cycle means two folders are one concern split in two, or a dependency to invert.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(src|dialogs)/' },
      to: { circular: true },
    },
  ],
  options: {
    // Generated Prisma code and packages are used, not checked.
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
    // The architecture test's fixture breaks the rules on purpose.
    exclude: { path: '^test/architecture/fixture/' },
    // Type-only imports count: a type pointing the wrong way couples the code just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
