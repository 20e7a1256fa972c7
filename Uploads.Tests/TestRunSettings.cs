using Uploads.Tests.Fixtures;

// One stack for the whole run, shared by every test that takes it. Test classes run three at a time on this 2-core
// machine: most of a stack test's time is spent waiting on the services (a lease, a reconciler pass, a redelivery), and
// the unit tests are short. The tests in ExclusiveCollection run afterwards, one after another, alone.
[assembly: AssemblyFixture(typeof(UploadsStack))]
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 3)]
