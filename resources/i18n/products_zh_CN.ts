<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Catalogue</name>
    <message>
        <source>enterprises</source>
        <translation>企业</translation>
    </message>
    <message>
        <source>individual businesses</source>
        <translation>个体工商户</translation>
    </message>
    <message>
        <source> or </source>
        <translation>或</translation>
    </message>
    <message>
        <source>{fact}: yes</source>
        <translation>{fact}：是</translation>
    </message>
    <message>
        <source>{fact}: no</source>
        <translation>{fact}：否</translation>
    </message>
    <message>
        <source>{fact}: at least {months} months ago</source>
        <translation>{fact}：距今至少 {months} 个月</translation>
    </message>
    <message>
        <source>{fact}: within the last {months} months</source>
        <translation>{fact}：近 {months} 个月内</translation>
    </message>
    <message>
        <source>{fact}: {values}</source>
        <translation>{fact}：{values}</translation>
    </message>
    <message>
        <source>{fact}: not {values}</source>
        <translation>{fact}：非{values}</translation>
    </message>
    <message>
        <source>({kinds} only)</source>
        <translation>（仅限{kinds}）</translation>
    </message>
    <message>
        <source>{times} × {basis}, at most {cap}</source>
        <translation>{basis}的 {times} 倍，最高 {cap}</translation>
    </message>
    <message>
        <source>{ratio} of {basis}, at most {cap}</source>
        <translation>{basis}的 {ratio}，最高 {cap}</translation>
    </message>
    <message>
        <source>{low}–{high} months</source>
        <translation>{low}–{high} 个月</translation>
    </message>
    <message>
        <source>industries {codes}: up to {months} months</source>
        <translation>行业 {codes}：最长 {months} 个月</translation>
    </message>
    <message>
        <source>1-year LPR {one} and 5-year {five} as of {day}</source>
        <translation>1 年期 LPR {one}，5 年期 {five}（{day}）</translation>
    </message>
    <message>
        <source>settlement account</source>
        <translation>结算账户</translation>
    </message>
    <message>
        <source>payroll agency</source>
        <translation>代发工资</translation>
    </message>
    <message>
        <source>card acquiring</source>
        <translation>收单服务</translation>
    </message>
    <message>
        <source>online banking</source>
        <translation>企业网银</translation>
    </message>
    <message>
        <source>{rate} a year</source>
        <translation>年利率 {rate}</translation>
    </message>
    <message>
        <source>up to {amount}</source>
        <translation>最高 {amount}</translation>
    </message>
    <message>
        <source>rate at most {rate}</source>
        <translation>利率不超过 {rate}</translation>
    </message>
    <message>
        <source>{share} of the interest paid</source>
        <translation>按已付利息的 {share} 贴息</translation>
    </message>
    <message>
        <source>at most {amount} a year</source>
        <translation>每年最高 {amount}</translation>
    </message>
</context>
<context>
    <name>ClassifyDialog</name>
    <message>
        <source>Loan classification</source>
        <translation>贷款五级分类</translation>
    </message>
    <message>
        <source>The five-category classification (五级分类) of the loan. Substandard, doubtful and loss are non-performing and count in the non-performing ratio.</source>
        <translation>该笔贷款的五级分类。次级、可疑、损失三类为不良贷款，计入不良率。</translation>
    </message>
    <message>
        <source>{grade} (non-performing)</source>
        <translation>{grade}（不良）</translation>
    </message>
    <message>
        <source>Now:</source>
        <translation>当前：</translation>
    </message>
    <message>
        <source>Classify as:</source>
        <translation>分类为：</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>起始日：</translation>
    </message>
    <message>
        <source>Save classification</source>
        <translation>保存分类</translation>
    </message>
    <message>
        <source>The loan already has this grade</source>
        <translation>该笔贷款已是此分类</translation>
    </message>
</context>
<context>
    <name>Facts</name>
    <message>
        <source>Kind of business</source>
        <translation>主体类型</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Established on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <source>Ownership last changed on</source>
        <translation>最近股权变更日期</translation>
    </message>
    <message>
        <source>Tax credit grade</source>
        <translation>纳税信用等级</translation>
    </message>
    <message>
        <source>Annual VAT invoicing</source>
        <translation>年增值税开票额</translation>
    </message>
    <message>
        <source>Average monthly turnover (12 months)</source>
        <translation>近 12 个月月均流水</translation>
    </message>
    <message>
        <source>Owner has serious overdue credit</source>
        <translation>实际控制人征信有严重逾期</translation>
    </message>
    <message>
        <source>Technology enterprise</source>
        <translation>科技型企业</translation>
    </message>
    <message>
        <source>Annual R&amp;D spending</source>
        <translation>年研发投入</translation>
    </message>
    <message>
        <source>Has pledgeable intellectual property</source>
        <translation>有可质押的知识产权</translation>
    </message>
    <message>
        <source>Staff with social insurance</source>
        <translation>社保缴纳人数</translation>
    </message>
    <message>
        <source>Months the insured staff is stable</source>
        <translation>社保人数稳定月数</translation>
    </message>
    <message>
        <source>Monthly wage per head</source>
        <translation>人均月工资</translation>
    </message>
    <message>
        <source>Customer rating (of 5)</source>
        <translation>客户评分（满分 5 分）</translation>
    </message>
    <message>
        <source>Green enterprise</source>
        <translation>绿色企业</translation>
    </message>
    <message>
        <source>In the first-loan cultivation pool</source>
        <translation>已入首贷户培育库</translation>
    </message>
    <message>
        <source>Proof of stable operation</source>
        <translation>稳定经营证明</translation>
    </message>
    <message>
        <source>Monthly platform settlement</source>
        <translation>平台月结算额</translation>
    </message>
    <message>
        <source>Property certificate</source>
        <translation>产权证明</translation>
    </message>
    <message>
        <source>Lease contract</source>
        <translation>租赁合同</translation>
    </message>
    <message>
        <source>Utility payment records</source>
        <translation>水电缴费记录</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>in 10,000 yuan (万元)</source>
        <translation>单位：万元</translation>
    </message>
    <message>
        <source>Enter a whole number, e.g. 12</source>
        <translation>请输入整数，例如 12</translation>
    </message>
    <message>
        <source>Enter a number from 0 to {maximum}, e.g. 4.6</source>
        <translation>请输入 0 到 {maximum} 之间的数，例如 4.6</translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>未登记</translation>
    </message>
    <message>
        <source>Not confirmed</source>
        <translation>未核实</translation>
    </message>
    <message>
        <source>Confirmed {day} by {name}</source>
        <translation>{name} 于 {day} 核实</translation>
    </message>
    <message>
        <source>Confirmed {day}</source>
        <translation>{day} 核实</translation>
    </message>
</context>
<context>
    <name>FactsEditor</name>
    <message>
        <source>Business facts</source>
        <translation>经营信息</translation>
    </message>
    <message>
        <source>Save facts</source>
        <translation>保存经营信息</translation>
    </message>
    <message>
        <source>Save the changed facts, confirmed today by you</source>
        <translation>保存修改过的信息，记为您今天核实</translation>
    </message>
    <message>
        <source>Confirm all</source>
        <translation>全部核实</translation>
    </message>
    <message>
        <source>Checked with the customer: every fact shown is confirmed today by you</source>
        <translation>已与客户核对：所列信息全部记为您今天核实</translation>
    </message>
    <message>
        <source>Leave a fact empty when you do not know it: matching calls it missing.</source>
        <translation>不清楚的信息请留空：产品匹配会将其列为缺失资料。</translation>
    </message>
</context>
<context>
    <name>HeldServicesView</name>
    <message>
        <source>Relationship services</source>
        <translation>已开通的基础服务</translation>
    </message>
    <message>
        <source>(since {day})</source>
        <translation>（自 {day}）</translation>
    </message>
    <message>
        <source>Tick what the customer already holds.</source>
        <translation>请勾选客户已开通的服务。</translation>
    </message>
    <message>
        <source>Holds none of the bank&apos;s services yet.</source>
        <translation>尚未开通本行任何基础服务。</translation>
    </message>
    <message>
        <source>Next to offer: {service} — build the relationship before credit.</source>
        <translation>下一步推荐：{service}——先建立结算关系，再谈授信。</translation>
    </message>
</context>
<context>
    <name>LoanClass</name>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Special mention</source>
        <translation>关注</translation>
    </message>
    <message>
        <source>Substandard</source>
        <translation>次级</translation>
    </message>
    <message>
        <source>Doubtful</source>
        <translation>可疑</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
</context>
<context>
    <name>LoansPanel</name>
    <message>
        <source>in repayment</source>
        <translation>还款中</translation>
    </message>
    <message>
        <source>repaid</source>
        <translation>已结清</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>renewed</source>
        <translation>已续贷</translation>
    </message>
    <message>
        <source>not renewed</source>
        <translation>未续贷</translation>
    </message>
    <message>
        <source>Loans</source>
        <translation>贷款</translation>
    </message>
    <message>
        <source>Record loan…</source>
        <translation>登记贷款…</translation>
    </message>
    <message>
        <source>Record a loan this customer has been granted</source>
        <translation>登记该客户已获得的一笔贷款</translation>
    </message>
    <message>
        <source>No loans recorded</source>
        <translation>尚未登记贷款</translation>
    </message>
    <message>
        <source>Record each loan this customer is granted: the first one makes a no-loan prospect a first-loan customer, and maturities and renewals then show on Today and in the calendar.</source>
        <translation>客户每获得一笔贷款都在这里登记：首笔贷款使无贷户成为首贷户，之后的到期和续贷提醒会显示在“今日待办”和日历中。</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Correct the loan&apos;s terms (until it has been sent to head office)</source>
        <translation>更正贷款要素（同步到总行之前可改）</translation>
    </message>
    <message>
        <source>Repay…</source>
        <translation>还款…</translation>
    </message>
    <message>
        <source>Record a repayment, in part or in full</source>
        <translation>登记部分或全部还款</translation>
    </message>
    <message>
        <source>Renew…</source>
        <translation>续贷…</translation>
    </message>
    <message>
        <source>Renew (续贷): a new loan that replaces this one</source>
        <translation>续贷：以一笔新贷款接续本笔贷款</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Mark overdue…</source>
        <translation>标记逾期…</translation>
    </message>
    <message>
        <source>Mark the loan as past due</source>
        <translation>将本笔贷款标记为逾期</translation>
    </message>
    <message>
        <source>Record outcome…</source>
        <translation>登记到期结果…</translation>
    </message>
    <message>
        <source>Repaid at maturity, or not renewed and why (a renewal: Renew…)</source>
        <translation>到期已还清，或未续贷及原因（续贷请用“续贷…”）</translation>
    </message>
    <message>
        <source>Classify…</source>
        <translation>五级分类…</translation>
    </message>
    <message>
        <source>The loan&apos;s five-category classification (正常, 关注, 次级, 可疑, 损失)</source>
        <translation>贷款五级分类（正常、关注、次级、可疑、损失）</translation>
    </message>
    <message>
        <source>Loan</source>
        <translation>贷款</translation>
    </message>
    <message>
        <source>{line} (non-performing)</source>
        <translation>{line}（不良）</translation>
    </message>
    <message>
        <source>a renewal</source>
        <translation>续贷</translation>
    </message>
    <message>
        <source>closed {day}</source>
        <translation>{day} 终结</translation>
    </message>
    <message>
        <source>Amount {amount} · balance {balance} · {rate}</source>
        <translation>金额 {amount} · 余额 {balance} · {rate}</translation>
    </message>
    <message>
        <source>{start} to {maturity}</source>
        <translation>{start} 至 {maturity}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>授信额度 {line}</translation>
    </message>
    <message>
        <source>Classified {grade} from {day}</source>
        <translation>自 {day} 起分类为{grade}</translation>
    </message>
    <message>
        <source>Why: {reason}</source>
        <translation>原因：{reason}</translation>
    </message>
    <message>
        <source>Correct loan</source>
        <translation>更正贷款</translation>
    </message>
    <message>
        <source>Renew loan (续贷)</source>
        <translation>续贷</translation>
    </message>
    <message>
        <source>Renew</source>
        <translation>续贷</translation>
    </message>
    <message>
        <source>Mark overdue</source>
        <translation>标记逾期</translation>
    </message>
    <message>
        <source>Mark this loan as past due? Head office is told with the next sync.</source>
        <translation>将本笔贷款标记为逾期？下次同步时会报送总行。</translation>
    </message>
    <message>
        <source>First loan recorded</source>
        <translation>首笔贷款已登记</translation>
    </message>
    <message>
        <source>This is the customer&apos;s first loan. Move the prospect to {stage} now?</source>
        <translation>这是该客户的首笔贷款。现在将其转为{stage}吗？</translation>
    </message>
    <message>
        <source>Confirmed since the loan was granted:</source>
        <translation>放款后核实过的信息：</translation>
    </message>
    <message>
        <source>{fact}: {value} ({day})</source>
        <translation>{fact}：{value}（{day}）</translation>
    </message>
    <message>
        <source>No fact confirmed since the loan was granted.</source>
        <translation>放款后尚未核实任何经营信息。</translation>
    </message>
    <message>
        <source>Pre-check on today&apos;s facts (预授信参考): {status}</source>
        <translation>按当前经营信息预检（预授信参考）：{status}</translation>
    </message>
</context>
<context>
    <name>OutcomeDialog</name>
    <message>
        <source>Record how the loan ended</source>
        <translation>登记贷款到期结果</translation>
    </message>
    <message>
        <source>Repaid at maturity</source>
        <translation>到期已还清</translation>
    </message>
    <message>
        <source>Not renewed</source>
        <translation>未续贷</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>结果：</translation>
    </message>
    <message>
        <source>Why it was not renewed: head office reads this with the outcome</source>
        <translation>未续贷的原因：总行会随结果一并查看</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>On:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>Save outcome</source>
        <translation>保存结果</translation>
    </message>
    <message>
        <source>Say why the loan was not renewed</source>
        <translation>请说明未续贷的原因</translation>
    </message>
</context>
<context>
    <name>ProductCard</name>
    <message>
        <source>Enter…</source>
        <translation>补录…</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>符合</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>不符合</translation>
    </message>
    <message>
        <source>Missing data</source>
        <translation>缺少资料</translation>
    </message>
    <message>
        <source>Enter “{fact}” in the business facts</source>
        <translation>在经营信息中补录“{fact}”</translation>
    </message>
    <message>
        <source>amount {amount}</source>
        <translation>额度 {amount}</translation>
    </message>
    <message>
        <source>rate {rate}</source>
        <translation>利率 {rate}</translation>
    </message>
    <message>
        <source>term {term}</source>
        <translation>期限 {term}</translation>
    </message>
    <message>
        <source>Indicative: {terms}</source>
        <translation>参考：{terms}</translation>
    </message>
</context>
<context>
    <name>ProductMatchPanel</name>
    <message>
        <source>Products: pre-assessment (预授信参考)</source>
        <translation>产品匹配：预授信参考</translation>
    </message>
    <message>
        <source>A guide for your conversation, not a credit decision: the bank&apos;s credit review decides.</source>
        <translation>仅供营销沟通参考，不是授信决定：以本行授信审批为准。</translation>
    </message>
    <message>
        <source>Policy overlays</source>
        <translation>政策支持</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>The catalogue has no credit products.</source>
        <translation>产品目录中没有信贷产品。</translation>
    </message>
    <message>
        <source>Warning signs:</source>
        <translation>风险提示：</translation>
    </message>
</context>
<context>
    <name>ProductPanel</name>
    <message>
        <source>Likely eligible</source>
        <translation>初步符合</translation>
    </message>
    <message>
        <source>Not eligible</source>
        <translation>不符合</translation>
    </message>
    <message>
        <source>Data missing</source>
        <translation>资料不全</translation>
    </message>
    <message>
        <source>{low} – {high}</source>
        <translation>{low} – {high}</translation>
    </message>
    <message>
        <source>up to {high}</source>
        <translation>最高 {high}</translation>
    </message>
    <message>
        <source>{low}–{high} months</source>
        <translation>{low}–{high} 个月</translation>
    </message>
    <message>
        <source>up to {high} months</source>
        <translation>最长 {high} 个月</translation>
    </message>
    <message>
        <source>applies</source>
        <translation>适用</translation>
    </message>
    <message>
        <source>does not apply</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>{name}: {verdict}</source>
        <translation>{name}：{verdict}</translation>
    </message>
</context>
<context>
    <name>ProductsPage</name>
    <message>
        <source>Credit products</source>
        <translation>信贷产品</translation>
    </message>
    <message>
        <source>Relationship services (non-credit)</source>
        <translation>基础服务（非信贷）</translation>
    </message>
    <message>
        <source>Policy overlays</source>
        <translation>政策支持</translation>
    </message>
    <message>
        <source>Loading the catalogue…</source>
        <translation>正在加载产品目录…</translation>
    </message>
    <message>
        <source>Published by head office. Matching a prospect against these products is a pre-assessment (预授信参考), not a credit decision.</source>
        <translation>产品目录由总行发布。客户与产品的匹配结果仅为预授信参考，不是授信决定。</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Catalogue {version}</source>
        <translation>产品目录 {version}</translation>
    </message>
    <message>
        <source>published {day}</source>
        <translation>{day} 发布</translation>
    </message>
    <message>
        <source>as received from head office</source>
        <translation>总行下发</translation>
    </message>
    <message>
        <source>the copy shipped with the app (none received from head office)</source>
        <translation>随软件安装的版本（尚未收到总行下发）</translation>
    </message>
    <message>
        <source>For</source>
        <translation>适用对象</translation>
    </message>
    <message>
        <source>Industries</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>all</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>额度</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>利率</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Repayment</source>
        <translation>还款方式</translation>
    </message>
    <message>
        <source>No entry criteria.</source>
        <translation>无准入条件。</translation>
    </message>
    <message>
        <source>Entry criteria</source>
        <translation>准入条件</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>所需材料</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>ProspectProductsView</name>
    <message>
        <source>Products and facts</source>
        <translation>产品与经营信息</translation>
    </message>
</context>
<context>
    <name>RecordLoanDialog</name>
    <message>
        <source>Record loan</source>
        <translation>登记贷款</translation>
    </message>
    <message>
        <source>Choose a product…</source>
        <translation>请选择产品…</translation>
    </message>
    <message>
        <source>e.g. 50 or 12.5万</source>
        <translation>例如 50 或 12.5万</translation>
    </message>
    <message>
        <source>optional: the line granted</source>
        <translation>选填：授信额度</translation>
    </message>
    <message>
        <source>e.g. 3.85</source>
        <translation>例如 3.85</translation>
    </message>
    <message>
        <source>Product:</source>
        <translation>产品：</translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation>金额：</translation>
    </message>
    <message>
        <source>Credit line:</source>
        <translation>授信额度：</translation>
    </message>
    <message>
        <source>Start date:</source>
        <translation>起息日：</translation>
    </message>
    <message>
        <source>Maturity date:</source>
        <translation>到期日：</translation>
    </message>
    <message>
        <source>Rate (% a year):</source>
        <translation>年利率（%）：</translation>
    </message>
    <message>
        <source>Repayment:</source>
        <translation>还款方式：</translation>
    </message>
    <message>
        <source>Save loan</source>
        <translation>保存贷款</translation>
    </message>
    <message>
        <source>Choose the loan&apos;s product</source>
        <translation>请选择贷款产品</translation>
    </message>
    <message>
        <source>Enter the amount lent</source>
        <translation>请输入贷款金额</translation>
    </message>
    <message>
        <source>The amount must be more than zero</source>
        <translation>金额必须大于零</translation>
    </message>
    <message>
        <source>The credit line ({line}) is less than the amount ({amount})</source>
        <translation>授信额度（{line}）小于贷款金额（{amount}）</translation>
    </message>
    <message>
        <source>The maturity must be after the start date ({start})</source>
        <translation>到期日必须晚于起息日（{start}）</translation>
    </message>
    <message>
        <source>Enter the interest rate, e.g. 3.85</source>
        <translation>请输入年利率，例如 3.85</translation>
    </message>
    <message>
        <source>The rate must be more than zero</source>
        <translation>利率必须大于零</translation>
    </message>
</context>
<context>
    <name>RepayDialog</name>
    <message>
        <source>Record a repayment</source>
        <translation>登记还款</translation>
    </message>
    <message>
        <source>Still owed: {balance}. Repaying all of it closes the loan.</source>
        <translation>尚欠 {balance}。全部还清后本笔贷款结清。</translation>
    </message>
    <message>
        <source>Amount repaid:</source>
        <translation>还款金额：</translation>
    </message>
    <message>
        <source>Repaid on:</source>
        <translation>还款日期：</translation>
    </message>
    <message>
        <source>Save repayment</source>
        <translation>保存还款</translation>
    </message>
    <message>
        <source>Enter the amount repaid</source>
        <translation>请输入还款金额</translation>
    </message>
    <message>
        <source>The amount must be more than zero</source>
        <translation>金额必须大于零</translation>
    </message>
    <message>
        <source>More than the {balance} still owed</source>
        <translation>超过尚欠的 {balance}</translation>
    </message>
</context>
<context>
    <name>_AmountField</name>
    <message>
        <source>10,000 yuan (万元)</source>
        <translation>万元</translation>
    </message>
    <message>
        <source>yuan</source>
        <translation>元</translation>
    </message>
</context>
</TS>
