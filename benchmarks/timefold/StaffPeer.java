// Timefold Solver (Java) on the staffing problem, as a benchmark peer.
//
// The problem arrives as slots, written by benchmarks/timefold_peer.py: a holder
// slot per role (or per piece of a split role), a backup slot per backup needed,
// each with the people who may take it and, per person, the capacity it costs and
// the soft cost of taking it. The planning variable of every slot is its person
// (unassigned allowed). The score is bendable: one hard level (capacity, backup
// cap, max roles, a backup is not the holder, one backup slot per person and role)
// and three soft levels in the product's order: uncovered units, missing backups,
// soft terms. Every new best solution is kept (the newest per quarter second) and
// written out with its time, so J can be read at any budget.
//
// Usage: java -cp <timefold jars>:<classes> StaffPeer problem.txt seconds out.txt

import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.entity.PlanningPin;
import ai.timefold.solver.core.api.domain.lookup.PlanningId;
import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;
import ai.timefold.solver.core.api.score.buildin.bendablelong.BendableLongScore;
import ai.timefold.solver.core.api.score.stream.Constraint;
import ai.timefold.solver.core.api.score.stream.ConstraintCollectors;
import ai.timefold.solver.core.api.score.stream.ConstraintFactory;
import ai.timefold.solver.core.api.score.stream.ConstraintProvider;
import ai.timefold.solver.core.api.score.stream.Joiners;
import ai.timefold.solver.core.api.solver.Solver;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.solver.EnvironmentMode;
import ai.timefold.solver.core.config.solver.SolverConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

public class StaffPeer {
    static final int HARD = 1, SOFT = 3;

    public static class Person {
        @PlanningId public Integer id;
        public int capacity, backupCapacity, maxRoles;

        public Person() {}

        Person(int id, int capacity, int backupCapacity, int maxRoles) {
            this.id = id;
            this.capacity = capacity;
            this.backupCapacity = backupCapacity;
            this.maxRoles = maxRoles;
        }
    }

    @PlanningEntity
    public static class HolderSlot {
        @PlanningId public Integer id;
        public int role, share, weight;
        public int[] load, cost; // per person index (0 where not eligible)
        @PlanningPin public boolean pinned;
        public List<Person> eligible = new ArrayList<>();

        @PlanningVariable(valueRangeProviderRefs = "holders", allowsUnassigned = true)
        public Person person;

        public HolderSlot() {}

        @ValueRangeProvider(id = "holders")
        public List<Person> getEligible() {
            return eligible;
        }

        int loadOf() {
            return load[person.id];
        }

        int costOf() {
            return cost[person.id];
        }
    }

    @PlanningEntity
    public static class BackupSlot {
        @PlanningId public Integer id;
        public int role, fte, weight;
        public int[] cost;
        @PlanningPin public boolean pinned;
        public List<Person> eligible = new ArrayList<>();

        @PlanningVariable(valueRangeProviderRefs = "backups", allowsUnassigned = true)
        public Person person;

        public BackupSlot() {}

        @ValueRangeProvider(id = "backups")
        public List<Person> getEligible() {
            return eligible;
        }
    }

    @PlanningSolution
    public static class Staffing {
        @ProblemFactCollectionProperty public List<Person> people;
        @PlanningEntityCollectionProperty public List<HolderSlot> holders;
        @PlanningEntityCollectionProperty public List<BackupSlot> backups;

        @PlanningScore(bendableHardLevelsSize = HARD, bendableSoftLevelsSize = SOFT)
        public BendableLongScore score;

        public Staffing() {}
    }

    static BendableLongScore soft(int level) {
        return BendableLongScore.ofSoft(HARD, SOFT, level, 1);
    }

    static final BendableLongScore HARD_ONE = BendableLongScore.ofHard(HARD, SOFT, 0, 1);

    public static class Rules implements ConstraintProvider {
        @Override
        public Constraint[] defineConstraints(ConstraintFactory f) {
            return new Constraint[] {
                f.forEach(HolderSlot.class)
                        .groupBy(s -> s.person, ConstraintCollectors.sum(HolderSlot::loadOf))
                        .filter((p, used) -> used > p.capacity)
                        .penalizeLong(HARD_ONE, (p, used) -> used - p.capacity)
                        .asConstraint("capacity"),
                f.forEach(BackupSlot.class)
                        .groupBy(s -> s.person, ConstraintCollectors.sum(s -> s.fte))
                        .filter((p, used) -> used > p.backupCapacity)
                        .penalizeLong(HARD_ONE, (p, used) -> used - p.backupCapacity)
                        .asConstraint("backup cap"),
                f.forEach(HolderSlot.class)
                        .groupBy(s -> s.person, ConstraintCollectors.countDistinct(s -> s.role))
                        .filter((p, n) -> n > p.maxRoles)
                        .penalizeLong(HARD_ONE, (p, n) -> n - p.maxRoles)
                        .asConstraint("max roles"),
                f.forEach(BackupSlot.class)
                        .join(HolderSlot.class,
                                Joiners.equal(b -> b.role, h -> h.role),
                                Joiners.equal(b -> b.person, h -> h.person))
                        .penalizeLong(HARD_ONE)
                        .asConstraint("backup is not the holder"),
                f.forEachUniquePair(BackupSlot.class,
                                Joiners.equal(b -> b.role), Joiners.equal(b -> b.person))
                        .penalizeLong(HARD_ONE)
                        .asConstraint("one backup slot per person"),
                f.forEachIncludingUnassigned(HolderSlot.class)
                        .filter(s -> s.person == null)
                        .penalizeLong(soft(0), s -> (long) s.share * s.weight)
                        .asConstraint("uncovered"),
                f.forEachIncludingUnassigned(BackupSlot.class)
                        .filter(s -> s.person == null)
                        .penalizeLong(soft(1), s -> s.weight)
                        .asConstraint("missing backup"),
                // the soft terms of holding count once per (person, role)
                f.forEach(HolderSlot.class)
                        .groupBy(s -> s.person, s -> s.role,
                                ConstraintCollectors.min(HolderSlot::costOf))
                        .filter((p, r, c) -> c > 0)
                        .penalizeLong(soft(2), (p, r, c) -> c)
                        .asConstraint("holding costs"),
                f.forEach(HolderSlot.class)
                        .groupBy(s -> s.person, s -> s.role,
                                ConstraintCollectors.min(HolderSlot::costOf))
                        .filter((p, r, c) -> c < 0)
                        .rewardLong(soft(2), (p, r, c) -> -c)
                        .asConstraint("holding gains"),
                f.forEach(BackupSlot.class)
                        .filter(s -> s.cost[s.person.id] < 0)
                        .rewardLong(soft(2), s -> -s.cost[s.person.id])
                        .asConstraint("backup continuity"),
            };
        }
    }

    static Staffing read(Path path) throws IOException {
        StringTokenizer in = new StringTokenizer(Files.readString(path));
        Staffing s = new Staffing();
        s.people = new ArrayList<>();
        int people = Integer.parseInt(in.nextToken());
        for (int i = 0; i < people; i++) {
            s.people.add(new Person(i, next(in), next(in), next(in)));
        }
        s.holders = new ArrayList<>();
        int holders = next(in);
        for (int k = 0; k < holders; k++) {
            HolderSlot h = new HolderSlot();
            h.id = k;
            h.role = next(in);
            h.share = next(in);
            h.weight = next(in);
            int pinned = next(in);
            int n = next(in);
            h.load = new int[people];
            h.cost = new int[people];
            for (int i = 0; i < n; i++) {
                int p = next(in);
                h.load[p] = next(in);
                h.cost[p] = next(in);
                h.eligible.add(s.people.get(p));
            }
            if (pinned >= 0) {
                h.pinned = true;
                h.person = s.people.get(pinned);
            }
            s.holders.add(h);
        }
        s.backups = new ArrayList<>();
        int backups = next(in);
        for (int k = 0; k < backups; k++) {
            BackupSlot b = new BackupSlot();
            b.id = k;
            b.role = next(in);
            b.fte = next(in);
            b.weight = next(in);
            int pinned = next(in);
            int n = next(in);
            b.cost = new int[people];
            for (int i = 0; i < n; i++) {
                int p = next(in);
                b.cost[p] = next(in);
                b.eligible.add(s.people.get(p));
            }
            if (pinned >= 0) {
                b.pinned = true;
                b.person = s.people.get(pinned);
            }
            s.backups.add(b);
        }
        return s;
    }

    static int next(StringTokenizer in) {
        return Integer.parseInt(in.nextToken());
    }

    static int[][] snapshot(Staffing s) {
        int[] h = new int[s.holders.size()];
        for (int k = 0; k < h.length; k++) {
            Person p = s.holders.get(k).person;
            h[k] = p == null ? -1 : p.id;
        }
        int[] b = new int[s.backups.size()];
        for (int k = 0; k < b.length; k++) {
            Person p = s.backups.get(k).person;
            b[k] = p == null ? -1 : p.id;
        }
        return new int[][] {h, b};
    }

    public static void main(String[] args) throws IOException {
        long started = System.nanoTime();
        Staffing problem = read(Path.of(args[0]));
        double seconds = Double.parseDouble(args[1]);
        SolverConfig config = new SolverConfig()
                .withEnvironmentMode(EnvironmentMode.NO_ASSERT)
                .withSolutionClass(Staffing.class)
                .withEntityClasses(HolderSlot.class, BackupSlot.class)
                .withConstraintProviderClass(Rules.class)
                .withTerminationSpentLimit(Duration.ofMillis((long) (seconds * 1000)));
        Solver<Staffing> solver = SolverFactory.<Staffing>create(config).buildSolver();
        List<long[]> times = new ArrayList<>();
        List<int[][]> bests = new ArrayList<>();
        List<String> scores = new ArrayList<>();
        long solveStart = System.nanoTime();
        solver.addEventListener(event -> {
            if (!event.isEveryProblemChangeProcessed()) return;
            long ms = (System.nanoTime() - solveStart) / 1_000_000;
            int[][] snap = snapshot(event.getNewBestSolution());
            int last = times.size() - 1;
            if (last >= 0 && times.get(last)[0] / 250 == ms / 250) {
                times.set(last, new long[] {ms});
                bests.set(last, snap);
                scores.set(last, event.getNewBestScore().toString());
            } else {
                times.add(new long[] {ms});
                bests.add(snap);
                scores.add(event.getNewBestScore().toString());
            }
        });
        Staffing solution = solver.solve(problem);
        long solveMs = (System.nanoTime() - solveStart) / 1_000_000;
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]))) {
            out.write("build_ms " + (solveStart - started) / 1_000_000 + "\n");
            out.write("solve_ms " + solveMs + "\n");
            out.write("score " + solution.score + "\n");
            for (int i = 0; i < times.size(); i++) {
                write(out, "best " + times.get(i)[0] + " " + scores.get(i), bests.get(i));
            }
            write(out, "final " + solveMs + " " + solution.score, snapshot(solution));
        }
    }

    static void write(BufferedWriter out, String head, int[][] snap) throws IOException {
        StringBuilder line = new StringBuilder(head);
        line.append("\nh");
        for (int v : snap[0]) line.append(' ').append(v);
        line.append("\nb");
        for (int v : snap[1]) line.append(' ').append(v);
        line.append('\n');
        out.write(line.toString());
    }
}
