import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.function.FunctionUtils;

/**
 * One mini-cluster for every job of the runner's JVM, started with its first job.
 *
 * Flink's local executor (what TableEnvironment.create uses outside a cluster) starts a mini-cluster for each job
 * and shuts it down when the job ends: an RPC system, a REST endpoint, a resource manager, a dispatcher and a task
 * executor with its network buffers, per job. Here every job is submitted to one such cluster instead, as to a
 * session cluster: each job still has its own job master, failover and restart strategy, checkpoints and savepoints
 * (job-level options travel in the job's stream graph), so a failing job fails alone. install() makes it the
 * environment TableEnvironment.create gets (StreamExecutionEnvironment's context factory, as Flink's test
 * environments do); the job is built as the local executor builds it.
 */
final class SharedMiniCluster extends StreamExecutionEnvironment {
    /** Slots of the cluster's one task executor: jobs run at parallelism 1, a few at a time. */
    private static final int SLOTS = 32;

    private static final String EXECUTOR_NAME = "shared-mini-cluster";

    private static MiniCluster cluster;

    private SharedMiniCluster() {}

    /** From now on a TableEnvironment created in this JVM runs its jobs on the shared cluster. */
    static void install(Configuration clusterOptions) {
        PipelineExecutor executor = (pipeline, jobOptions, classLoader) -> submit(clusterOptions, pipeline, jobOptions, classLoader);
        PipelineExecutorFactory factory = new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return EXECUTOR_NAME;
            }

            @Override
            public boolean isCompatibleWith(Configuration configuration) {
                return true;
            }

            @Override
            public PipelineExecutor getExecutor(Configuration configuration) {
                return executor;
            }
        };
        PipelineExecutorServiceLoader loader = new PipelineExecutorServiceLoader() {
            @Override
            public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
                return factory;
            }

            @Override
            public Stream<String> getExecutorNames() {
                return Stream.of(factory.getName());
            }
        };
        initializeContextEnvironment(options -> {
            // As StreamExecutionEnvironment.createLocalEnvironment and LocalStreamEnvironment set them.
            Configuration effective = new Configuration(options);
            if (!effective.contains(CoreOptions.DEFAULT_PARALLELISM))
                effective.set(CoreOptions.DEFAULT_PARALLELISM, Runtime.getRuntime().availableProcessors());
            effective.set(DeploymentOptions.TARGET, EXECUTOR_NAME);
            effective.set(DeploymentOptions.ATTACHED, true);
            return new StreamExecutionEnvironment(loader, effective, SharedMiniCluster.class.getClassLoader());
        });
    }

    /** As Flink's LocalExecutor and PerJobMiniClusterFactory submit a job, but to the one cluster, which stays up. */
    private static CompletableFuture<JobClient> submit(
            Configuration clusterOptions, Pipeline pipeline, Configuration jobOptions, ClassLoader classLoader)
            throws Exception {
        StreamGraph streamGraph = PipelineExecutorUtils.getStreamGraph(pipeline, jobOptions);
        MiniCluster miniCluster = cluster(clusterOptions);
        return miniCluster
                .submitJob(streamGraph)
                .thenApplyAsync(FunctionUtils.uncheckedFunction(submitted -> {
                    ClientUtils.waitUntilJobInitializationFinished(
                            () -> miniCluster.getJobStatus(submitted.getJobID()).get(),
                            () -> miniCluster.requestJobResult(submitted.getJobID()).get(),
                            classLoader);
                    return submitted;
                }))
                .thenApply(submitted -> new MiniClusterJobClient(
                        submitted.getJobID(), miniCluster, classLoader,
                        MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }

    private static synchronized MiniCluster cluster(Configuration clusterOptions) throws Exception {
        if (cluster != null) return cluster;
        Configuration options = new Configuration(clusterOptions);
        if (!options.contains(RestOptions.BIND_PORT)) options.set(RestOptions.BIND_PORT, "0");
        MiniCluster started = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(options)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(options.getOptional(TaskManagerOptions.NUM_TASK_SLOTS).orElse(SLOTS))
                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                .build());
        started.start();
        cluster = started;
        return cluster;
    }
}
