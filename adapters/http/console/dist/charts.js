// Live line charts of the last minutes, drawn with uPlot (loaded as a script: the global uPlot).
/** Most points kept: ten minutes of one figure a second. */
const POINTS = 600;
export class LiveChart {
    constructor(parent, title, labels, colors) {
        this.times = [];
        this.series = labels.map(() => []);
        this.plot = new uPlot({
            title,
            width: 520,
            height: 220,
            series: [{}, ...labels.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 2 }))],
            axes: [{}, { size: 60 }],
        }, [[], ...labels.map(() => [])], parent);
    }
    /** Adds the values of one instant (seconds since the epoch). */
    push(at, values) {
        this.times.push(at);
        values.forEach((value, i) => this.series[i].push(value ?? null));
        if (this.times.length > POINTS) {
            this.times.shift();
            this.series.forEach((s) => s.shift());
        }
        this.plot.setData([this.times, ...this.series]);
    }
}
