// Test classes run one after another: the shared stack and the AppHost lifecycle tests each run whole systems on
// this 2-core machine, and a stack whose resources a test stops and restarts must not share the machine with another
// stack choosing free ports at that moment.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
