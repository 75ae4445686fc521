import java.util.ServiceLoader;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;

/**
 * Flink's Pekko RPC system from the application class path, where local/jars.ts puts flink-rpc-akka.jar (unpacked
 * from flink-rpc-akka-loader's jar; its Scala is the planner's, 2.12.20).
 *
 * Flink's own loader (PekkoRpcSystemLoader, priority 0) copies that nested jar into a temp folder and loads it through
 * a class loader of its own for every mini-cluster, and the local executor starts a mini-cluster per job: about 1 CPU
 * s of class loading per job, which class data sharing cannot serve from a throwaway loader. Found first (priority
 * -1); where the jar is missing, Flink's loader is tried next.
 */
public final class ClasspathRpcSystemLoader implements RpcSystemLoader {
    @Override
    public int getLoadPriority() {
        return -1;
    }

    @Override
    public RpcSystem loadRpcSystem(Configuration config) {
        for (RpcSystem system : ServiceLoader.load(RpcSystem.class, ClasspathRpcSystemLoader.class.getClassLoader()))
            return system;
        throw new RpcLoaderException("flink-rpc-akka.jar is not on the class path");
    }
}
