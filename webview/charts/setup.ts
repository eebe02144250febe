/** Chart.js with only the parts the charts use (line charts on linear/log axes, the std band, tooltips, decimation). */
import { Chart, Decimation, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

Chart.register(Decimation, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Tooltip);

export { Chart };
